<?xml version="1.0" encoding="UTF-8"?>
<!--
  Gatehouse mail "dormant", HTML part: an account not used for a while is
  deactivated in a week unless its owner signs in (gatehouse-ctl dormant).
  Input: <mail kind="dormant" account="portal|office"> <tenant-name/>
  <login/> <sign-in-link/> <days/> </mail>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="mail-html.xsl"/>

  <xsl:template match="mail" mode="title">Your account will be deactivated in a week</xsl:template>

  <xsl:template match="mail" mode="body">
    <p>Hello,</p>
    <p>
      <xsl:text>Your </xsl:text>
      <xsl:value-of select="tenant-name"/>
      <xsl:choose>
        <xsl:when test="@account = 'office'"><xsl:text> office account </xsl:text></xsl:when>
        <xsl:otherwise><xsl:text> client portal account </xsl:text></xsl:otherwise>
      </xsl:choose>
      <strong><xsl:value-of select="login"/></strong>
      <xsl:text> has not been used for </xsl:text>
      <xsl:value-of select="number(days)"/>
      <xsl:text> days. Unused accounts are deactivated: this one will be in a week, unless you sign in before then.</xsl:text>
    </p>
    <xsl:call-template name="mail-button">
      <xsl:with-param name="href" select="sign-in-link"/>
      <xsl:with-param name="label" select="'Sign in'"/>
    </xsl:call-template>
    <p class="note">If you no longer need it, there is nothing to do.</p>
  </xsl:template>

</xsl:stylesheet>
