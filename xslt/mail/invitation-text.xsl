<?xml version="1.0" encoding="UTF-8"?>
<!--
  Gatehouse mail "invitation", text part (rendered by gatehouse-mailer).

  Input: the outbox row's payload,
    <mail kind="invitation">
      <tenant-name/> <company/> <login/> <direct-link/> <link-base/> <valid-days/>
      <reminder/>      a reminder's number (1, 2), absent in the first mail
      <secret-link/>   added by the mailer: link-base + the one-time token
    </mail>
  Output: plain text, LF line ends (the mailer makes them CRLF).
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:template match="/">
    <xsl:apply-templates select="mail"/>
  </xsl:template>

  <xsl:template match="mail">
    <xsl:text>Hello,&#10;&#10;</xsl:text>
    <xsl:if test="reminder">
      <xsl:text>A reminder: your invitation has not been used yet.&#10;&#10;</xsl:text>
    </xsl:if>
    <xsl:value-of select="tenant-name"/>
    <xsl:text> has given you access to its client portal</xsl:text>
    <xsl:if test="normalize-space(company) != ''">
      <xsl:text> for </xsl:text>
      <xsl:value-of select="company"/>
    </xsl:if>
    <xsl:text>.&#10;&#10;</xsl:text>

    <xsl:text>Your login:    </xsl:text>
    <xsl:value-of select="login"/>
    <xsl:text>&#10;Client portal: </xsl:text>
    <xsl:value-of select="direct-link"/>
    <xsl:text>&#10;&#10;</xsl:text>

    <xsl:if test="normalize-space(secret-link) != ''">
      <xsl:text>Choose your password with this link (it is valid for </xsl:text>
      <xsl:call-template name="days"/>
      <xsl:text> and works once</xsl:text>
      <xsl:if test="reminder">
        <xsl:text>; it replaces the link we sent before</xsl:text>
      </xsl:if>
      <xsl:text>):&#10;&#10;</xsl:text>
      <xsl:value-of select="secret-link"/>
      <xsl:text>&#10;&#10;</xsl:text>
    </xsl:if>

    <xsl:text>Gatehouse never sends passwords by email, and nobody from </xsl:text>
    <xsl:value-of select="tenant-name"/>
    <xsl:text>&#10;will ask you for yours. If you did not expect this invitation, you can&#10;</xsl:text>
    <xsl:text>ignore this message.&#10;&#10;</xsl:text>
    <xsl:text>-- &#10;</xsl:text>
    <xsl:value-of select="tenant-name"/>
    <xsl:text>, sent by Gatehouse&#10;</xsl:text>
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
