<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: an office user's password-reset link (page "office-reset",
     GET/POST /settings/reset?token=T), and what a dead link says instead. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Reset your password</xsl:template>

  <xsl:template match="page" mode="main">
    <div class="auth">
      <section class="card auth-card" aria-labelledby="reset-title">
        <p class="auth-brand">Gatehouse</p>
        <xsl:apply-templates select="office-reset"/>
      </section>
    </div>
  </xsl:template>

  <xsl:template match="office-reset[@state = 'ok']">
    <h1 id="reset-title">Choose a new password</h1>
    <xsl:call-template name="notices"/>
    <p>For <strong><xsl:value-of select="email"/></strong>. Every session of yours ends;
      two-step verification, if you use it, stays on.</p>
    <form class="form auth-form" method="post" action="/settings/reset">
      <input type="hidden" name="csrf" value="{@csrf}"/>
      <input type="hidden" name="token" value="{token}"/>
      <input type="text" name="username" value="{email}" autocomplete="username" hidden="hidden"/>
      <div class="field">
        <label for="password">New password</label>
        <input type="password" id="password" name="password" autocomplete="new-password"
               required="required" minlength="10" aria-describedby="password-help">
          <xsl:call-template name="field-aria">
            <xsl:with-param name="name" select="'password'"/>
            <xsl:with-param name="help-id" select="'password-help'"/>
          </xsl:call-template>
        </input>
        <p class="help" id="password-help">At least 10 characters; common passwords are refused.</p>
        <xsl:call-template name="field-error">
          <xsl:with-param name="name" select="'password'"/>
        </xsl:call-template>
      </div>
      <div class="field">
        <label for="confirm">Repeat the password</label>
        <input type="password" id="confirm" name="confirm" autocomplete="new-password"
               required="required">
          <xsl:call-template name="field-aria">
            <xsl:with-param name="name" select="'confirm'"/>
          </xsl:call-template>
        </input>
        <xsl:call-template name="field-error">
          <xsl:with-param name="name" select="'confirm'"/>
        </xsl:call-template>
      </div>
      <div class="actions">
        <button type="submit" class="btn btn-primary btn-block">Set password</button>
      </div>
    </form>
  </xsl:template>

  <xsl:template match="office-reset[@state = 'expired']">
    <h1 id="reset-title">This link has expired</h1>
    <xsl:call-template name="notices"/>
    <p>Password-reset links work once, for an hour. Ask for a new one.</p>
    <p><a class="btn btn-primary btn-block" href="/settings/forgot">Send me a new link</a></p>
  </xsl:template>

  <xsl:template match="office-reset[@state = 'inactive']">
    <h1 id="reset-title">This account is deactivated</h1>
    <xsl:call-template name="notices"/>
    <p>Its password cannot be reset. A Super Admin of your company can reactivate it.</p>
  </xsl:template>

  <xsl:template match="office-reset">
    <h1 id="reset-title">This link does not work</h1>
    <xsl:call-template name="notices"/>
    <p>Check that the whole link from the email was opened, or ask for a new one.</p>
    <p><a class="btn btn-primary btn-block" href="/settings/forgot">Send me a new link</a></p>
  </xsl:template>

</xsl:stylesheet>
