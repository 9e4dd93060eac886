<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the two-step verification forms that the portal
     (portal-mfa.xsl, portal-mfa-enrol.xsl) and the settings
     (office-mfa.xsl, office-mfa-enrol.xsl) share.  The content element
     carries where its forms go: @action, @logout, @continue, @back and the
     form token @csrf. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:template match="portal-mfa | office-mfa">
    <h1 id="card-title">Two-step verification</h1>
    <xsl:call-template name="notices"/>
    <p>Enter the 6-digit code from your authenticator app for
      <strong><xsl:value-of select="@email"/></strong>, or one of your recovery codes.</p>
    <form class="form auth-form" method="post" action="{@action}">
      <input type="hidden" name="csrf" value="{@csrf}"/>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'code'"/>
        <xsl:with-param name="label" select="'Code'"/>
        <xsl:with-param name="required" select="true()"/>
        <xsl:with-param name="autocomplete" select="'one-time-code'"/>
        <xsl:with-param name="maxlength" select="'32'"/>
        <xsl:with-param name="echo" select="false()"/>
      </xsl:call-template>
      <div class="actions">
        <button type="submit" class="btn btn-primary btn-block">Verify</button>
      </div>
    </form>
    <form class="signout" method="post" action="{@logout}">
      <input type="hidden" name="csrf" value="{@csrf}"/>
      <button type="submit" class="btn btn-link">Cancel and sign out</button>
    </form>
  </xsl:template>

  <xsl:template match="portal-mfa-enrol[@state = 'setup'] | office-mfa-enrol[@state = 'setup']">
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
        <form class="form auth-form" method="post" action="{@action}">
          <input type="hidden" name="csrf" value="{@csrf}"/>
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

  <xsl:template match="portal-mfa-enrol[@state = 'done'] | office-mfa-enrol[@state = 'done']">
    <h1 id="card-title">Two-step verification is on</h1>
    <p>Keep these recovery codes somewhere safe. Each works once, in place of a code
      from the app, if you lose your phone. They are shown only now.</p>
    <ul class="recovery-codes">
      <xsl:for-each select="recovery-codes/code">
        <li><code><xsl:value-of select="."/></code></li>
      </xsl:for-each>
    </ul>
    <p><a class="btn btn-primary btn-block" href="{@continue}">Continue to the portal</a></p>
  </xsl:template>

  <xsl:template match="portal-mfa-enrol[@state = 'enabled'] | office-mfa-enrol[@state = 'enabled']">
    <h1 id="card-title">Two-step verification is on</h1>
    <p>Your account already uses two-step verification. If you lost your authenticator,
      use a recovery code, or ask an administrator to reset it.</p>
    <p><a href="{@back}">Back to your account</a></p>
  </xsl:template>

</xsl:stylesheet>
