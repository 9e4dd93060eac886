<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the signed-in office user's own account (page
     "office-account", GET/POST /settings/account): change the password,
     the sessions (account/sessions), the time zone (account/time-zone). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Your account</xsl:template>

  <xsl:template match="office-account">
    <div class="page-head">
      <h1>Your account</h1>
      <p class="lead">
        <xsl:value-of select="normalize-space(concat(@first, ' ', @last))"/>
        <xsl:if test="normalize-space(concat(@first, @last)) != ''"> · </xsl:if>
        <xsl:value-of select="@email"/>
      </p>
    </div>
    <section class="card" aria-labelledby="password-title">
      <h2 id="password-title">Change your password</h2>
      <p class="help">Your other sessions are signed out; this one stays.</p>
      <form class="form" method="post" action="/settings/account">
        <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
        <input type="text" name="username" value="{@email}" autocomplete="username" hidden="hidden"/>
        <xsl:call-template name="text-field">
          <xsl:with-param name="name" select="'current'"/>
          <xsl:with-param name="label" select="'Current password'"/>
          <xsl:with-param name="type" select="'password'"/>
          <xsl:with-param name="echo" select="false()"/>
          <xsl:with-param name="required" select="true()"/>
          <xsl:with-param name="autocomplete" select="'current-password'"/>
        </xsl:call-template>
        <xsl:call-template name="text-field">
          <xsl:with-param name="name" select="'password'"/>
          <xsl:with-param name="label" select="'New password'"/>
          <xsl:with-param name="type" select="'password'"/>
          <xsl:with-param name="echo" select="false()"/>
          <xsl:with-param name="required" select="true()"/>
          <xsl:with-param name="autocomplete" select="'new-password'"/>
          <xsl:with-param name="help" select="'At least 10 characters; common passwords are refused.'"/>
        </xsl:call-template>
        <xsl:call-template name="text-field">
          <xsl:with-param name="name" select="'confirm'"/>
          <xsl:with-param name="label" select="'Repeat the new password'"/>
          <xsl:with-param name="type" select="'password'"/>
          <xsl:with-param name="echo" select="false()"/>
          <xsl:with-param name="required" select="true()"/>
          <xsl:with-param name="autocomplete" select="'new-password'"/>
        </xsl:call-template>
        <div class="actions">
          <button type="submit" class="btn btn-primary">Change password</button>
        </div>
      </form>
    </section>
    <section class="card side-card" aria-labelledby="mfa-title">
      <h2 id="mfa-title">Two-step verification</h2>
      <p>
        <xsl:choose>
          <xsl:when test="@mfa = '1'">On.</xsl:when>
          <xsl:otherwise>Off.</xsl:otherwise>
        </xsl:choose>
        <xsl:text> </xsl:text>
        <a href="/settings/mfa/enrol">Set up two-step verification</a>
      </p>
    </section>
    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Where you are signed in</h2>
      <xsl:apply-templates select="sessions" mode="office-sessions">
        <xsl:with-param name="action" select="'/settings/account/sessions'"/>
      </xsl:apply-templates>
      <form method="post" action="/settings/account/sessions">
        <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
        <input type="hidden" name="op" value="others"/>
        <button type="submit" class="btn">Sign out other sessions</button>
      </form>
    </section>
    <section class="card side-card" aria-labelledby="tz-title">
      <h2 id="tz-title">Time zone</h2>
      <xsl:apply-templates select="time-zone" mode="own-zone-form">
        <xsl:with-param name="action" select="'/settings/account/time-zone'"/>
        <xsl:with-param name="csrf" select="/page/session/@csrf"/>
      </xsl:apply-templates>
    </section>
  </xsl:template>

</xsl:stylesheet>
