<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: "Forgot password?" for office users (page "office-forgot",
     GET/POST /settings/forgot). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Forgot password</xsl:template>

  <xsl:template match="page" mode="main">
    <div class="auth">
      <section class="card auth-card" aria-labelledby="forgot-title">
        <p class="auth-brand">Gatehouse</p>
        <xsl:apply-templates select="office-forgot"/>
      </section>
    </div>
  </xsl:template>

  <xsl:template match="office-forgot[@state = 'sent']">
    <h1 id="forgot-title">Check your email</h1>
    <p>If the address is the login of an active office user, a link to choose a new
      password is on its way to it. It works once, for
      <xsl:value-of select="@valid-minutes"/> minutes.</p>
    <p class="auth-links"><a href="/settings/login">Back to sign-in</a></p>
  </xsl:template>

  <xsl:template match="office-forgot">
    <h1 id="forgot-title">Forgot your password?</h1>
    <xsl:call-template name="notices"/>
    <p>Enter the email you sign in with. We will send you a link to choose a new password.</p>
    <form class="form auth-form" method="post" action="/settings/forgot">
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
    <p class="auth-links"><a href="/settings/login">Back to sign-in</a></p>
  </xsl:template>

</xsl:stylesheet>
