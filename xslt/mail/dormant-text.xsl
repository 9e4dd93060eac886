<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse mail "dormant", text part (input: see dormant-html.xsl). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:template match="/">
    <xsl:apply-templates select="mail"/>
  </xsl:template>

  <xsl:template match="mail">
    <xsl:text>Hello,&#10;&#10;Your </xsl:text>
    <xsl:value-of select="tenant-name"/>
    <xsl:choose>
      <xsl:when test="@account = 'office'"><xsl:text> office account </xsl:text></xsl:when>
      <xsl:otherwise><xsl:text> client portal account </xsl:text></xsl:otherwise>
    </xsl:choose>
    <xsl:value-of select="login"/>
    <xsl:text> has not been used for </xsl:text>
    <xsl:value-of select="number(days)"/>
    <xsl:text> days.&#10;Unused accounts are deactivated: this one will be in a week, unless you sign in before then:&#10;&#10;</xsl:text>
    <xsl:value-of select="sign-in-link"/>
    <xsl:text>&#10;&#10;If you no longer need it, there is nothing to do.&#10;&#10;-- &#10;</xsl:text>
    <xsl:value-of select="tenant-name"/>
    <xsl:text>, sent by Gatehouse&#10;</xsl:text>
  </xsl:template>

</xsl:stylesheet>
