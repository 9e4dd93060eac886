<?xml version="1.0" encoding="UTF-8"?>
<!--
  Gatehouse mail "invitation", HTML part (rendered by gatehouse-mailer): the
  shared frame (mail-html.xsl) with this kind's title and body.

  Input: the same document as invitation-text.xsl (see there).
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="mail-html.xsl"/>

  <xsl:template match="mail" mode="title">Your client portal access</xsl:template>

  <xsl:template match="mail" mode="body">
    <p>Hello,</p>
    <xsl:if test="reminder">
      <p><strong>A reminder: your invitation has not been used yet.</strong></p>
    </xsl:if>
    <p>
      <strong><xsl:value-of select="tenant-name"/></strong>
      <xsl:text> has given you access to its client portal</xsl:text>
      <xsl:if test="normalize-space(company) != ''">
        <xsl:text> for </xsl:text>
        <xsl:value-of select="company"/>
      </xsl:if>
      <xsl:text>.</xsl:text>
    </p>
    <table class="facts" role="presentation">
      <tr>
        <th>Your login</th>
        <td><xsl:value-of select="login"/></td>
      </tr>
      <tr>
        <th>Client portal</th>
        <td><a href="{direct-link}"><xsl:value-of select="direct-link"/></a></td>
      </tr>
    </table>
    <xsl:if test="normalize-space(secret-link) != ''">
      <xsl:call-template name="mail-button">
        <xsl:with-param name="href" select="secret-link"/>
        <xsl:with-param name="label" select="'Choose your password'"/>
      </xsl:call-template>
      <p class="small">
        <xsl:text>This link is valid for </xsl:text>
        <xsl:call-template name="days"/>
        <xsl:text> and works once</xsl:text>
        <xsl:if test="reminder">
          <xsl:text>; it replaces the link we sent before</xsl:text>
        </xsl:if>
        <xsl:text>. If the button does not work, copy this address into your browser:</xsl:text>
        <br/>
        <a class="link" href="{secret-link}"><xsl:value-of select="secret-link"/></a>
      </p>
    </xsl:if>
    <p class="note">
      <xsl:text>Gatehouse never sends passwords by email, and nobody from </xsl:text>
      <xsl:value-of select="tenant-name"/>
      <xsl:text> will ask you for yours. If you did not expect this invitation, you can ignore this message.</xsl:text>
    </p>
  </xsl:template>

  <!-- "1 day", "7 days" -->
  <xsl:template name="days">
    <xsl:value-of select="number(valid-days)"/>
    <xsl:choose>
      <xsl:when test="number(valid-days) = 1"> day</xsl:when>
      <xsl:otherwise> days</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
