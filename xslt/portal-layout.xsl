<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the frame of every client portal page (/portal/<slug>/...).
     Imports the settings layout for its head, notices and form helpers,
     and replaces the office chrome: a signed-in portal session gets the
     tenant's name, the user's email, Home, Account and Sign out; everything
     else is one centred card (the sign-in card works inside an iframe). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="portal/@company-name"/>
    <xsl:text> client portal</xsl:text>
  </xsl:template>

  <xsl:template match="page">
    <xsl:variable name="title">
      <xsl:apply-templates select="." mode="title"/>
    </xsl:variable>
    <xsl:variable name="s" select="portal-session[@stage = 'full']"/>
    <html lang="en">
      <xsl:call-template name="html-head">
        <xsl:with-param name="title" select="normalize-space($title)"/>
      </xsl:call-template>
      <body class="portal page-{@name}">
        <a class="skip-link" href="#main">Skip to main content</a>
        <xsl:choose>
          <xsl:when test="$s">
            <header class="site-header portal-header">
              <div class="brand">
                <a class="brand-name" href="/portal/{portal/@slug}/home">
                  <xsl:value-of select="portal/@company-name"/>
                </a>
                <span class="tenant-name">
                  <xsl:value-of select="$s/@company"/>
                </span>
              </div>
              <nav class="account" aria-label="Account">
                <xsl:if test="$s/@kind = 'user'">
                  <span class="account-email"><xsl:value-of select="$s/@email"/></span>
                  <a class="btn btn-quiet" href="/portal/{portal/@slug}/account">Account and security</a>
                </xsl:if>
                <form class="signout" method="post" action="/portal/{portal/@slug}/logout">
                  <input type="hidden" name="csrf" value="{$s/@csrf}"/>
                  <button type="submit" class="btn btn-quiet">Sign out</button>
                </form>
              </nav>
            </header>
            <xsl:if test="$s/@viewed-by">
              <div class="view-as-banner" role="status">
                <p>
                  <strong>Viewing as <xsl:value-of select="$s/@email"/></strong>
                  <xsl:text>, read-only, by </xsl:text>
                  <xsl:value-of select="$s/@viewed-by"/>
                  <xsl:text>. Ends at </xsl:text>
                  <xsl:call-template name="datetime"><xsl:with-param name="value" select="$s/@view-ends"/></xsl:call-template>
                  <xsl:text>.</xsl:text>
                </p>
                <form method="post" action="/portal/{portal/@slug}/logout">
                  <input type="hidden" name="csrf" value="{$s/@csrf}"/>
                  <button type="submit" class="btn">End the view</button>
                </form>
              </div>
            </xsl:if>
            <main id="main" class="main portal-main" tabindex="-1">
              <xsl:call-template name="notices"/>
              <xsl:apply-templates select="*[not(self::session or self::menu or self::notice or self::form or self::portal or self::portal-session)]"/>
            </main>
          </xsl:when>
          <xsl:otherwise>
            <main id="main" class="main main-plain" tabindex="-1">
              <div class="auth">
                <section class="card auth-card" aria-labelledby="card-title">
                  <p class="auth-brand"><xsl:value-of select="portal/@company-name"/></p>
                  <xsl:apply-templates select="*[not(self::session or self::menu or self::notice or self::form or self::portal or self::portal-session)]"/>
                </section>
              </div>
            </main>
          </xsl:otherwise>
        </xsl:choose>
      </body>
    </html>
  </xsl:template>

  <!-- A password input that is never pre-filled. -->
  <xsl:template name="portal-password-field">
    <xsl:param name="name"/>
    <xsl:param name="label"/>
    <xsl:param name="autocomplete" select="'current-password'"/>
    <xsl:param name="help" select="''"/>
    <xsl:call-template name="text-field">
      <xsl:with-param name="name" select="$name"/>
      <xsl:with-param name="label" select="$label"/>
      <xsl:with-param name="type" select="'password'"/>
      <xsl:with-param name="required" select="true()"/>
      <xsl:with-param name="autocomplete" select="$autocomplete"/>
      <xsl:with-param name="help" select="$help"/>
      <xsl:with-param name="echo" select="false()"/>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
