<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: setting up two-step verification (page "portal-mfa-enrol",
     GET/POST /portal/<slug>/mfa/enrol).  The QR code arrives as an SVG
     path (modules as unit squares) and is drawn here with a quiet zone. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="portal-layout.xsl"/>

  <xsl:template match="portal-mfa-enrol[@state = 'setup']">
    <xsl:variable name="slug" select="/page/portal/@slug"/>
    <xsl:variable name="vb" select="number(qr/@size) + 8"/>
    <h1 id="card-title">Set up two-step verification</h1>
    <xsl:call-template name="notices"/>
    <xsl:if test="@required = '1'">
      <p class="note">Your account needs two-step verification. Set it up to finish signing in.</p>
    </xsl:if>
    <ol class="steps">
      <li>Scan this code with an authenticator app (such as Google Authenticator,
        Microsoft Authenticator or FreeOTP):
        <div class="qr">
          <svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 -4 {$vb} {$vb}" width="200"
               height="200" role="img" aria-label="QR code of the key" shape-rendering="crispEdges">
            <rect x="-4" y="-4" width="{$vb}" height="{$vb}" fill="#ffffff"/>
            <path d="{qr/@path}" fill="#000000"/>
          </svg>
        </div>
        <p>Or type this key into the app: <code class="mfa-secret"><xsl:value-of select="@secret"/></code></p>
      </li>
      <li>Enter the 6-digit code the app shows:
        <form class="form auth-form" method="post" action="/portal/{$slug}/mfa/enrol">
          <input type="hidden" name="csrf" value="{/page/portal-session/@csrf}"/>
          <xsl:call-template name="text-field">
            <xsl:with-param name="name" select="'code'"/>
            <xsl:with-param name="label" select="'Code'"/>
            <xsl:with-param name="required" select="true()"/>
            <xsl:with-param name="autocomplete" select="'one-time-code'"/>
            <xsl:with-param name="maxlength" select="'32'"/>
            <xsl:with-param name="echo" select="false()"/>
          </xsl:call-template>
          <div class="actions">
            <button type="submit" class="btn btn-primary btn-block">Turn on</button>
          </div>
        </form>
      </li>
    </ol>
  </xsl:template>

  <xsl:template match="portal-mfa-enrol[@state = 'done']">
    <h1 id="card-title">Two-step verification is on</h1>
    <p>Keep these recovery codes somewhere safe. Each works once, in place of a code
      from the app, if you lose your phone. They are shown only now.</p>
    <ul class="recovery-codes">
      <xsl:for-each select="recovery-codes/code">
        <li><code><xsl:value-of select="."/></code></li>
      </xsl:for-each>
    </ul>
    <p><a class="btn btn-primary btn-block" href="/portal/{/page/portal/@slug}/home">Continue to the portal</a></p>
  </xsl:template>

  <xsl:template match="portal-mfa-enrol[@state = 'enabled']">
    <h1 id="card-title">Two-step verification is on</h1>
    <p>Your account already uses two-step verification. If you lost your authenticator,
      use a recovery code, or ask <xsl:value-of select="/page/portal/@company-name"/> to reset it.</p>
    <p><a href="/portal/{/page/portal/@slug}/account">Back to your account</a></p>
  </xsl:template>

</xsl:stylesheet>
