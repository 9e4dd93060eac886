<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: setting up two-step verification (page "portal-mfa-enrol",
     GET/POST /portal/<slug>/mfa/enrol).  The QR code arrives as an SVG
     path (modules as unit squares) and is drawn here with a quiet zone. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="portal-layout.xsl"/>
  <xsl:import href="mfa-forms.xsl"/>

</xsl:stylesheet>
