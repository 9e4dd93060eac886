<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the portal's set-password page (page name "set-password"):
     the invitation's single-use link, and what a dead link offers instead. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="set-password/@company-name"/>
    <xsl:text> client portal</xsl:text>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <div class="auth">
      <section class="card auth-card" aria-labelledby="sp-title">
        <p class="auth-brand"><xsl:value-of select="set-password/@company-name"/></p>
        <xsl:apply-templates select="set-password"/>
      </section>
    </div>
  </xsl:template>

  <xsl:template match="set-password[@state='ok']">
    <h1 id="sp-title">
      <xsl:choose>
        <xsl:when test="@purpose = 'reset'">Choose a new password</xsl:when>
        <xsl:otherwise>Choose your password</xsl:otherwise>
      </xsl:choose>
    </h1>
    <xsl:call-template name="notices"/>
    <p>For <strong><xsl:value-of select="email"/></strong>, your login to the client portal.</p>
    <xsl:variable name="action">
      <xsl:choose>
        <xsl:when test="@purpose = 'reset'">reset</xsl:when>
        <xsl:otherwise>set-password</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <form class="form auth-form" method="post" action="/portal/{@slug}/{$action}">
      <input type="hidden" name="csrf" value="{@csrf}"/>
      <input type="hidden" name="token" value="{token}"/>
      <input type="text" name="username" value="{email}" autocomplete="username" hidden="hidden"/>
      <div class="field">
        <label for="password">New password</label>
        <input type="password" id="password" name="password" autocomplete="new-password"
               required="required" minlength="10">
          <xsl:call-template name="field-aria">
            <xsl:with-param name="name" select="'password'"/>
          </xsl:call-template>
        </input>
        <p class="help">At least 10 characters; common passwords are refused.</p>
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

  <xsl:template match="set-password[@state='expired' and @purpose='reset']" priority="1">
    <h1 id="sp-title">This link has expired</h1>
    <xsl:call-template name="notices"/>
    <p>Password-reset links work once, for a short time. Ask for a new one.</p>
    <p><a class="btn btn-primary btn-block" href="/portal/{@slug}/forgot">Send me a new link</a></p>
  </xsl:template>

  <xsl:template match="set-password[@state='expired']">
    <h1 id="sp-title">This link has expired</h1>
    <xsl:call-template name="notices"/>
    <p>The link was already used, or is too old. We can send a fresh one to
      <strong><xsl:value-of select="email"/></strong>.</p>
    <form class="form auth-form" method="post" action="/portal/{@slug}/request-link">
      <input type="hidden" name="csrf" value="{@csrf}"/>
      <input type="hidden" name="token" value="{token}"/>
      <div class="actions">
        <button type="submit" class="btn btn-primary btn-block">Send me a new link</button>
      </div>
    </form>
  </xsl:template>

  <xsl:template match="set-password[@state='invalid']">
    <h1 id="sp-title">This link does not work</h1>
    <xsl:call-template name="notices"/>
    <p>Check that the whole link from the email was opened, or ask the
      company that invited you to send a new invitation.</p>
  </xsl:template>

  <xsl:template match="set-password[@state='done']">
    <h1 id="sp-title">Your password is set</h1>
    <p>Sign in to the client portal at
      <a href="{@direct-link}"><xsl:value-of select="@direct-link"/></a>.</p>
  </xsl:template>

  <xsl:template match="set-password[@state='sent']">
    <h1 id="sp-title">Check your email</h1>
    <p>If the link you used is known to us, a new one is on its way to the
      address it was sent to. It works once.</p>
  </xsl:template>

  <xsl:template match="set-password[@state='disabled']">
    <h1 id="sp-title">The client portal is not available</h1>
    <p><xsl:value-of select="@company-name"/> has turned its client portal off
      for now. No password can be set while it is off.</p>
  </xsl:template>

</xsl:stylesheet>
