<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: "Forgot password?" (page "portal-forgot",
     GET/POST /portal/<slug>/forgot). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="portal-layout.xsl"/>

  <xsl:template match="portal-forgot[@state = 'disabled']">
    <h1 id="card-title">The client portal is not available</h1>
    <p><xsl:value-of select="/page/portal/@company-name"/> has turned its client portal
      off for now.</p>
  </xsl:template>

  <xsl:template match="portal-forgot[@state = 'sent']">
    <h1 id="card-title">Check your email</h1>
    <p>If the address belongs to an account of this portal, a link to choose a new
      password is on its way. It works once, for <xsl:value-of select="@valid-minutes"/>
      minutes.</p>
    <p class="auth-links"><a href="/portal/{/page/portal/@slug}/">Back to sign-in</a></p>
  </xsl:template>

  <xsl:template match="portal-forgot">
    <h1 id="card-title">Forgot your password?</h1>
    <xsl:call-template name="notices"/>
    <p>Enter the email you sign in with. We will send you a link to choose a new password.</p>
    <form class="form auth-form" method="post" action="/portal/{/page/portal/@slug}/forgot">
      <input type="hidden" name="csrf" value="{@csrf}"/>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'email'"/>
        <xsl:with-param name="label" select="'Email'"/>
        <xsl:with-param name="type" select="'email'"/>
        <xsl:with-param name="required" select="true()"/>
        <xsl:with-param name="autocomplete" select="'username'"/>
      </xsl:call-template>
      <div class="actions">
        <button type="submit" class="btn btn-primary btn-block">Send me a link</button>
      </div>
    </form>
    <p class="auth-links"><a href="/portal/{/page/portal/@slug}/">Back to sign-in</a></p>
  </xsl:template>

</xsl:stylesheet>
