<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the client portal's sign-in page (page "portal-login",
     GET/POST /portal/<slug>/), also shown inside the tenant's iframe. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="portal-layout.xsl"/>

  <xsl:template match="portal-login[@state = 'disabled']">
    <h1 id="card-title">The client portal is not available</h1>
    <xsl:call-template name="notices"/>
    <p><xsl:value-of select="/page/portal/@company-name"/> has turned its client portal
      off for now. Please contact them directly.</p>
  </xsl:template>

  <xsl:template match="portal-login">
    <xsl:variable name="slug" select="/page/portal/@slug"/>
    <h1 id="card-title">Sign in to the client portal</h1>
    <xsl:call-template name="notices"/>
    <xsl:if test="@cookies-refused = '1'">
      <p class="new-tab">
        <a class="btn btn-primary btn-block" href="{/page/portal/@direct-link}"
           target="_blank" rel="noopener">Open the portal in a new tab</a>
      </p>
    </xsl:if>
    <form class="form auth-form" method="post" action="/portal/{$slug}/">
      <input type="hidden" name="csrf" value="{@csrf}"/>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'email'"/>
        <xsl:with-param name="label" select="'Email'"/>
        <xsl:with-param name="required" select="true()"/>
        <xsl:with-param name="autocomplete" select="'username'"/>
        <xsl:with-param name="help" select="'Or the login you were given.'"/>
      </xsl:call-template>
      <xsl:call-template name="portal-password-field">
        <xsl:with-param name="name" select="'password'"/>
        <xsl:with-param name="label" select="'Password'"/>
      </xsl:call-template>
      <div class="actions">
        <button type="submit" class="btn btn-primary btn-block">Login</button>
      </div>
    </form>
    <p class="auth-links">
      <a href="/portal/{$slug}/forgot">Forgot password?</a>
    </p>
  </xsl:template>

</xsl:stylesheet>
