<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse mail "office-reset", text part (input: see office-reset-html.xsl). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:template match="/">
    <xsl:apply-templates select="mail"/>
  </xsl:template>

  <xsl:template match="mail">
    <xsl:text>Hello,&#10;&#10;Someone asked to reset the password of </xsl:text>
    <xsl:value-of select="login"/>
    <xsl:text>&#10;for the </xsl:text>
    <xsl:value-of select="tenant-name"/>
    <xsl:text> office settings (Gatehouse).&#10;&#10;Choose a new password with this link (valid for </xsl:text>
    <xsl:value-of select="number(valid-minutes)"/>
    <xsl:text> minutes, works once):&#10;&#10;</xsl:text>
    <xsl:value-of select="secret-link"/>
    <xsl:text>&#10;&#10;Then sign in at&#10;</xsl:text>
    <xsl:value-of select="sign-in-link"/>
    <xsl:text>&#10;&#10;If you did not ask for this, ignore this message: your password stays&#10;</xsl:text>
    <xsl:text>as it is. Resetting it signs you out everywhere; two-step verification,&#10;</xsl:text>
    <xsl:text>if you use it, stays on.&#10;&#10;-- &#10;</xsl:text>
    <xsl:value-of select="tenant-name"/>
    <xsl:text>, sent by Gatehouse&#10;</xsl:text>
  </xsl:template>

</xsl:stylesheet>
