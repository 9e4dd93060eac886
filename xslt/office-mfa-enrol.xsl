<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: an office user's two-step verification set-up (page "office-mfa-enrol",
     GET/POST /settings/mfa/enrol); the forms are mfa-forms.xsl's. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>
  <xsl:import href="mfa-forms.xsl"/>

  <xsl:template match="page" mode="title">Two-step verification</xsl:template>

  <xsl:template match="page" mode="main">
    <div class="auth">
      <section class="card auth-card" aria-labelledby="card-title">
        <p class="auth-brand">Gatehouse</p>
        <xsl:apply-templates select="office-mfa-enrol"/>
      </section>
    </div>
  </xsl:template>

</xsl:stylesheet>
