<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the sign-in's second step (page "portal-mfa",
     GET/POST /portal/<slug>/mfa). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="portal-layout.xsl"/>
  <xsl:import href="mfa-forms.xsl"/>

</xsl:stylesheet>
