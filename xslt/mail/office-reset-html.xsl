<?xml version="1.0" encoding="UTF-8"?>
<!--
  Gatehouse mail "office-reset", HTML part: an office user's password-reset
  link ("Forgot password?" on /settings/login).
  Input: <mail kind="office-reset"> <tenant-name/> <login/> <sign-in-link/>
  <link-base/> <valid-minutes/> <secret-link/> (added by the mailer) </mail>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="mail-html.xsl"/>

  <xsl:template match="mail" mode="title">Reset your office password</xsl:template>

  <xsl:template match="mail" mode="body">
    <p>Hello,</p>
    <p>
      <xsl:text>Someone asked to reset the password of </xsl:text>
      <strong><xsl:value-of select="login"/></strong>
      <xsl:text> for the </xsl:text>
      <xsl:value-of select="tenant-name"/>
      <xsl:text> office settings.</xsl:text>
    </p>
    <xsl:call-template name="mail-button">
      <xsl:with-param name="href" select="secret-link"/>
      <xsl:with-param name="label" select="'Choose a new password'"/>
    </xsl:call-template>
    <p class="small">
      <xsl:text>This link is valid for </xsl:text>
      <xsl:value-of select="number(valid-minutes)"/>
      <xsl:text> minutes and works once. If the button does not work, copy this address into your browser:</xsl:text>
      <br/>
      <a class="link" href="{secret-link}"><xsl:value-of select="secret-link"/></a>
    </p>
    <p class="small">
      <xsl:text>Then sign in at </xsl:text>
      <a class="link" href="{sign-in-link}"><xsl:value-of select="sign-in-link"/></a>
      <xsl:text>.</xsl:text>
    </p>
    <p class="note">If you did not ask for this, ignore this message: your password stays as it is.
      Resetting it signs you out everywhere; two-step verification, if you use it, stays on.</p>
  </xsl:template>

</xsl:stylesheet>
