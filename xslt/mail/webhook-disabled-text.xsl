<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse mail "webhook-disabled", text part (input: see webhook-disabled-html.xsl). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:template match="/">
    <xsl:apply-templates select="mail"/>
  </xsl:template>

  <xsl:template match="mail">
    <xsl:text>Hello,&#10;&#10;The webhook endpoint&#10;&#10;  </xsl:text>
    <xsl:value-of select="url"/>
    <xsl:text>&#10;&#10;of </xsl:text>
    <xsl:value-of select="tenant-name"/>
    <xsl:text> has failed every delivery for </xsl:text>
    <xsl:value-of select="number(hours)"/>
    <xsl:text> hours, so Gatehouse has disabled it.&#10;Last answer: </xsl:text>
    <xsl:value-of select="reason"/>
    <xsl:text>&#10;&#10;Its undelivered events are kept. Once the endpoint works again, enable it at&#10;&#10;</xsl:text>
    <xsl:value-of select="settings-link"/>
    <xsl:text>&#10;&#10;and they will be sent.&#10;&#10;-- &#10;Gatehouse&#10;</xsl:text>
  </xsl:template>

</xsl:stylesheet>
