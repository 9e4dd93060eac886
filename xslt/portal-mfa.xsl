<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the sign-in's second step (page "portal-mfa",
     GET/POST /portal/<slug>/mfa). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="portal-layout.xsl"/>

  <xsl:template match="portal-mfa">
    <xsl:variable name="slug" select="/page/portal/@slug"/>
    <h1 id="card-title">Two-step verification</h1>
    <xsl:call-template name="notices"/>
    <p>Enter the 6-digit code from your authenticator app for
      <strong><xsl:value-of select="@email"/></strong>, or one of your recovery codes.</p>
    <form class="form auth-form" method="post" action="/portal/{$slug}/mfa">
      <input type="hidden" name="csrf" value="{/page/portal-session/@csrf}"/>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'code'"/>
        <xsl:with-param name="label" select="'Code'"/>
        <xsl:with-param name="required" select="true()"/>
        <xsl:with-param name="autocomplete" select="'one-time-code'"/>
        <xsl:with-param name="maxlength" select="'32'"/>
        <xsl:with-param name="echo" select="false()"/>
      </xsl:call-template>
      <div class="actions">
        <button type="submit" class="btn btn-primary btn-block">Verify</button>
      </div>
    </form>
    <form class="signout" method="post" action="/portal/{$slug}/logout">
      <input type="hidden" name="csrf" value="{/page/portal-session/@csrf}"/>
      <button type="submit" class="btn btn-link">Cancel and sign out</button>
    </form>
  </xsl:template>

</xsl:stylesheet>
