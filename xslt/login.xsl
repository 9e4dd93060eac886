<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: sign-in page (page name "login"). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Sign in</xsl:template>

  <!-- The sign-in card carries its own notices. -->
  <xsl:template match="page" mode="main">
    <div class="auth">
      <section class="card auth-card" aria-labelledby="login-title">
        <p class="auth-brand">Gatehouse</p>
        <h1 id="login-title">Sign in</h1>
        <xsl:call-template name="notices"/>
        <xsl:apply-templates select="login"/>
      </section>
    </div>
  </xsl:template>

  <xsl:template match="login">
    <form class="form auth-form" method="post" action="/settings/login">
      <input type="hidden" name="csrf" value="{@csrf}"/>
      <xsl:if test="string(@next) != ''">
        <input type="hidden" name="next" value="{@next}"/>
      </xsl:if>

      <div class="field">
        <label for="email">Email</label>
        <input type="email" id="email" name="email" autocomplete="username"
               required="required" spellcheck="false" autocapitalize="off">
          <xsl:call-template name="field-aria">
            <xsl:with-param name="name" select="'email'"/>
          </xsl:call-template>
          <xsl:attribute name="value">
            <xsl:call-template name="field-value">
              <xsl:with-param name="name" select="'email'"/>
            </xsl:call-template>
          </xsl:attribute>
        </input>
        <xsl:call-template name="field-error">
          <xsl:with-param name="name" select="'email'"/>
        </xsl:call-template>
      </div>

      <div class="field">
        <label for="password">Password</label>
        <!-- never pre-filled -->
        <input type="password" id="password" name="password"
               autocomplete="current-password" required="required">
          <xsl:call-template name="field-aria">
            <xsl:with-param name="name" select="'password'"/>
          </xsl:call-template>
        </input>
        <xsl:call-template name="field-error">
          <xsl:with-param name="name" select="'password'"/>
        </xsl:call-template>
      </div>

      <div class="actions">
        <button type="submit" class="btn btn-primary btn-block">Sign in</button>
      </div>
    </form>
    <p class="auth-links"><a href="/settings/forgot">Forgot password?</a></p>
  </xsl:template>

</xsl:stylesheet>
