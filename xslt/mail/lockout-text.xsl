<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse mail "lockout", text part (input: see lockout-html.xsl). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:template match="/">
    <xsl:apply-templates select="mail"/>
  </xsl:template>

  <xsl:template match="mail">
    <xsl:text>Hello,&#10;&#10;There were several failed attempts to sign in as </xsl:text>
    <xsl:value-of select="login"/>
    <xsl:text>&#10;to the </xsl:text>
    <xsl:value-of select="tenant-name"/>
    <xsl:text> client portal, so sign-in is paused for </xsl:text>
    <xsl:value-of select="number(minutes)"/>
    <xsl:text> minute(s).&#10;&#10;If this was you and you have forgotten your password, reset it here:&#10;&#10;</xsl:text>
    <xsl:value-of select="forgot-link"/>
    <xsl:text>&#10;&#10;If it was not you, your password is still safe; consider changing it&#10;after signing in at </xsl:text>
    <xsl:value-of select="direct-link"/>
    <xsl:text>. </xsl:text>
    <xsl:value-of select="tenant-name"/>
    <xsl:text> can also lift the pause for you.&#10;&#10;-- &#10;</xsl:text>
    <xsl:value-of select="tenant-name"/>
    <xsl:text>, sent by Gatehouse&#10;</xsl:text>
  </xsl:template>

</xsl:stylesheet>
