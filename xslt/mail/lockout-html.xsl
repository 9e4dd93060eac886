<?xml version="1.0" encoding="UTF-8"?>
<!--
  Gatehouse mail "lockout", HTML part: portal sign-in paused after repeated
  failures.  Input: <mail kind="lockout"> <tenant-name/> <login/>
  <direct-link/> <forgot-link/> <minutes/> </mail>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="mail-html.xsl"/>

  <xsl:template match="mail" mode="title">Sign-in to your client portal paused</xsl:template>

  <xsl:template match="mail" mode="body">
    <p>Hello,</p>
    <p>
      <xsl:text>There were several failed attempts to sign in as </xsl:text>
      <strong><xsl:value-of select="login"/></strong>
      <xsl:text> to the </xsl:text>
      <xsl:value-of select="tenant-name"/>
      <xsl:text> client portal, so sign-in is paused for </xsl:text>
      <xsl:value-of select="number(minutes)"/>
      <xsl:text> minute(s).</xsl:text>
    </p>
    <p>If this was you and you have forgotten your password, you can reset it:</p>
    <xsl:call-template name="mail-button">
      <xsl:with-param name="href" select="forgot-link"/>
      <xsl:with-param name="label" select="'Reset my password'"/>
    </xsl:call-template>
    <p class="note">
      <xsl:text>If it was not you, your password is still safe; consider changing it after signing in at </xsl:text>
      <a class="link" href="{direct-link}"><xsl:value-of select="direct-link"/></a>
      <xsl:text>. </xsl:text>
      <xsl:value-of select="tenant-name"/>
      <xsl:text> can also lift the pause for you.</xsl:text>
    </p>
  </xsl:template>

</xsl:stylesheet>
