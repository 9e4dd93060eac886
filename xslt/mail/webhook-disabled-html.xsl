<?xml version="1.0" encoding="UTF-8"?>
<!--
  Gatehouse mail "webhook-disabled", HTML part: an endpoint that failed for
  give_up_hours was disabled.  Input: <mail kind="webhook-disabled">
  <tenant-name/> <login/> <url/> <hours/> <reason/> <settings-link/> </mail>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="mail-html.xsl"/>

  <xsl:template match="mail" mode="title">A webhook endpoint was disabled</xsl:template>

  <xsl:template match="mail" mode="body">
    <p>Hello,</p>
    <p>
      <xsl:text>The webhook endpoint </xsl:text>
      <strong><xsl:value-of select="url"/></strong>
      <xsl:text> of </xsl:text>
      <xsl:value-of select="tenant-name"/>
      <xsl:text> has failed every delivery for </xsl:text>
      <xsl:value-of select="number(hours)"/>
      <xsl:text> hours, so Gatehouse has disabled it.</xsl:text>
    </p>
    <p>Last answer: <xsl:value-of select="reason"/></p>
    <p>Its undelivered events are kept. Once the endpoint works again, enable it and they will be sent.</p>
    <xsl:call-template name="mail-button">
      <xsl:with-param name="href" select="settings-link"/>
      <xsl:with-param name="label" select="'Open Webhooks'"/>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
