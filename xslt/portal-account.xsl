<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: a portal user's own account (page "portal-account",
     GET /portal/<slug>/account; its forms post to account/password and
     account/sessions). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="portal-layout.xsl"/>

  <xsl:template match="portal-account">
    <xsl:variable name="slug" select="/page/portal/@slug"/>
    <xsl:variable name="csrf" select="/page/portal-session/@csrf"/>
    <div class="page-head">
      <h1>Account and security</h1>
      <p class="lead"><xsl:value-of select="@email"/>, for <xsl:value-of select="@company"/></p>
    </div>

    <section class="card" aria-labelledby="pw-title">
      <h2 id="pw-title">Change password</h2>
      <form class="form" method="post" action="/portal/{$slug}/account/password">
        <input type="hidden" name="csrf" value="{$csrf}"/>
        <input type="text" name="username" value="{@email}" autocomplete="username" hidden="hidden"/>
        <xsl:call-template name="portal-password-field">
          <xsl:with-param name="name" select="'current'"/>
          <xsl:with-param name="label" select="'Current password'"/>
        </xsl:call-template>
        <xsl:call-template name="portal-password-field">
          <xsl:with-param name="name" select="'password'"/>
          <xsl:with-param name="label" select="'New password'"/>
          <xsl:with-param name="autocomplete" select="'new-password'"/>
          <xsl:with-param name="help" select="'At least 10 characters; common passwords are refused.'"/>
        </xsl:call-template>
        <xsl:call-template name="portal-password-field">
          <xsl:with-param name="name" select="'confirm'"/>
          <xsl:with-param name="label" select="'Repeat the new password'"/>
          <xsl:with-param name="autocomplete" select="'new-password'"/>
        </xsl:call-template>
        <div class="actions">
          <button type="submit" class="btn btn-primary">Change password</button>
        </div>
      </form>
    </section>

    <section class="card" aria-labelledby="mfa-title">
      <h2 id="mfa-title">Two-step verification</h2>
      <xsl:choose>
        <xsl:when test="@mfa = '1'">
          <p class="mfa-state">On. Recovery codes left: <xsl:value-of select="@recovery-codes-left"/>.</p>
        </xsl:when>
        <xsl:otherwise>
          <p class="mfa-state">Off. Add a code from your phone to every sign-in.</p>
          <p><a class="btn" href="/portal/{$slug}/mfa/enrol">Set up two-step verification</a></p>
        </xsl:otherwise>
      </xsl:choose>
    </section>

    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Where you are signed in</h2>
      <div class="table-wrap">
        <table class="data-table stack sessions">
          <thead>
            <tr><th scope="col">Signed in</th><th scope="col">Last active</th>
              <th scope="col">Address</th><th scope="col">Browser</th></tr>
          </thead>
          <tbody>
            <xsl:for-each select="sessions/session">
              <tr>
                <td data-label="Signed in">
                  <xsl:call-template name="datetime">
                    <xsl:with-param name="value" select="@created"/>
                  </xsl:call-template>
                  <xsl:if test="@current = '1'"> <span class="badge">This browser</span></xsl:if>
                </td>
                <td data-label="Last active">
                  <xsl:call-template name="datetime">
                    <xsl:with-param name="value" select="@last-seen"/>
                  </xsl:call-template>
                </td>
                <td data-label="Address"><xsl:value-of select="@ip"/></td>
                <td data-label="Browser" class="cell-ua"><xsl:value-of select="@user-agent"/></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
      <form method="post" action="/portal/{$slug}/account/sessions">
        <input type="hidden" name="csrf" value="{$csrf}"/>
        <button type="submit" class="btn">Sign out other sessions</button>
      </form>
    </section>

    <section class="card" aria-labelledby="tz-title">
      <h2 id="tz-title">Time zone</h2>
      <xsl:apply-templates select="time-zone" mode="own-zone-form">
        <xsl:with-param name="action" select="concat('/portal/', $slug, '/account/time-zone')"/>
        <xsl:with-param name="csrf" select="$csrf"/>
      </xsl:apply-templates>
    </section>
  </xsl:template>

</xsl:stylesheet>
