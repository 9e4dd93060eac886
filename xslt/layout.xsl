<?xml version="1.0" encoding="UTF-8"?>
<!--
  Gatehouse: shared page shell and helpers.

  Page stylesheets import this file (xsl:import href="layout.xsl") and provide:
    - <xsl:template match="page" mode="title">   the page title (text only)
    - a template matching their content element (login, home, portal-settings)
  and may override:
    - <xsl:template match="page" mode="main">    everything inside <main>
                                                  (default: notices, then content)

  Helpers (named templates):
    - html-head (param title)          the <head> element
    - notices                          /page/notice as status/alert boxes
    - field-value (name, model)        echoed form value, else the model value
    - field-aria (name, help-id)       aria-invalid / aria-describedby attributes
                                        (call right after opening the control)
    - field-error (name)               the error message element for a field
    - field-error-id (name)            the id used by field-error
    - escape-attr (text)               text escaped for an HTML attribute value
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:output method="html" encoding="UTF-8" indent="no"
              doctype-system="about:legacy-compat"/>

  <xsl:strip-space elements="page menu section form frame-origins error"/>

  <!-- ================================================================ -->
  <!-- Entry points                                                     -->
  <!-- ================================================================ -->

  <xsl:template match="/">
    <xsl:apply-templates select="page"/>
  </xsl:template>

  <xsl:template match="page">
    <xsl:variable name="title">
      <xsl:apply-templates select="." mode="title"/>
    </xsl:variable>
    <html lang="en">
      <xsl:call-template name="html-head">
        <xsl:with-param name="title" select="normalize-space($title)"/>
      </xsl:call-template>
      <body>
        <xsl:attribute name="class">
          <xsl:text>page-</xsl:text>
          <xsl:value-of select="@name"/>
          <xsl:choose>
            <xsl:when test="session"> signed-in</xsl:when>
            <xsl:otherwise> signed-out</xsl:otherwise>
          </xsl:choose>
        </xsl:attribute>
        <a class="skip-link" href="#main">Skip to main content</a>
        <xsl:choose>
          <xsl:when test="session">
            <xsl:call-template name="site-header"/>
            <div class="layout">
              <xsl:if test="menu/section/item">
                <xsl:attribute name="class">layout has-nav</xsl:attribute>
                <xsl:apply-templates select="menu"/>
              </xsl:if>
              <main id="main" class="main" tabindex="-1">
                <xsl:apply-templates select="." mode="main"/>
              </main>
            </div>
          </xsl:when>
          <xsl:otherwise>
            <main id="main" class="main main-plain" tabindex="-1">
              <xsl:apply-templates select="." mode="main"/>
            </main>
          </xsl:otherwise>
        </xsl:choose>
      </body>
    </html>
  </xsl:template>

  <!-- Default title; page stylesheets override. -->
  <xsl:template match="page" mode="title">Settings</xsl:template>

  <!-- Default main area: notices, then the page's own content element. -->
  <xsl:template match="page" mode="main">
    <xsl:call-template name="notices"/>
    <xsl:apply-templates select="*[not(self::session or self::menu or self::notice or self::form)]"/>
  </xsl:template>

  <!-- Unknown content elements render nothing rather than their text. -->
  <xsl:template match="page/*" priority="-1"/>

  <!-- ================================================================ -->
  <!-- Head                                                             -->
  <!-- ================================================================ -->

  <xsl:template name="html-head">
    <xsl:param name="title"/>
    <head>
      <meta charset="UTF-8"/>
      <meta name="viewport" content="width=device-width, initial-scale=1"/>
      <title>
        <xsl:if test="string($title) != ''">
          <xsl:value-of select="$title"/>
          <xsl:text> · </xsl:text>
        </xsl:if>
        <xsl:text>Gatehouse</xsl:text>
      </title>
      <link rel="icon" href="data:,"/><link rel="stylesheet" href="/static/app.css"/>
      <script src="/static/app.js" defer="defer"></script>
    </head>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- Header (signed in)                                               -->
  <!-- ================================================================ -->

  <xsl:template name="site-header">
    <xsl:variable name="s" select="/page/session"/>
    <header class="site-header">
      <div class="brand">
        <a class="brand-name" href="/settings/">Gatehouse</a>
        <xsl:if test="string($s/@tenant-name) != ''">
          <span class="tenant-name">
            <xsl:value-of select="$s/@tenant-name"/>
          </span>
        </xsl:if>
      </div>
      <div class="account">
        <span class="account-email">
          <xsl:value-of select="$s/@email"/>
        </span>
        <form class="signout" method="post" action="/settings/logout">
          <input type="hidden" name="csrf" value="{$s/@csrf}"/>
          <button type="submit" class="btn btn-quiet">Sign out</button>
        </form>
      </div>
    </header>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- Left navigation                                                  -->
  <!-- ================================================================ -->

  <xsl:template match="menu">
    <nav class="sidenav" aria-label="Settings">
      <xsl:for-each select="section[item]">
        <div class="nav-section">
          <h2 class="nav-heading" id="nav-section-{position()}">
            <xsl:value-of select="@label"/>
          </h2>
          <ul class="nav-list" aria-labelledby="nav-section-{position()}">
            <xsl:for-each select="item">
              <li>
                <a href="{@href}">
                  <xsl:if test="@current = '1' or @current = 'true'">
                    <xsl:attribute name="aria-current">page</xsl:attribute>
                  </xsl:if>
                  <xsl:value-of select="@label"/>
                </a>
              </li>
            </xsl:for-each>
          </ul>
        </div>
      </xsl:for-each>
    </nav>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- Notices                                                          -->
  <!-- ================================================================ -->

  <xsl:template name="notices">
    <xsl:if test="/page/notice">
      <div class="notices">
        <xsl:apply-templates select="/page/notice"/>
      </div>
    </xsl:if>
  </xsl:template>

  <xsl:template match="notice">
    <div>
      <xsl:attribute name="class">
        <xsl:text>notice notice-</xsl:text>
        <xsl:choose>
          <xsl:when test="@kind = 'error' or @kind = 'success'">
            <xsl:value-of select="@kind"/>
          </xsl:when>
          <xsl:otherwise>info</xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <xsl:attribute name="role">
        <xsl:choose>
          <xsl:when test="@kind = 'error'">alert</xsl:when>
          <xsl:otherwise>status</xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <xsl:value-of select="."/>
    </div>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- Form helpers                                                     -->
  <!-- ================================================================ -->

  <!-- The value to show in a control: when an invalid POST is re-rendered
       (/page/form exists) the echoed value wins; otherwise the model value.
       A field missing from <form> falls back to the model. -->
  <xsl:template name="field-value">
    <xsl:param name="name"/>
    <xsl:param name="model" select="''"/>
    <xsl:variable name="f" select="/page/form/field[@name = $name][1]"/>
    <xsl:choose>
      <xsl:when test="$f">
        <xsl:value-of select="$f/@value"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$model"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="field-error-id">
    <xsl:param name="name"/>
    <xsl:value-of select="concat('error-', translate($name, ' ', '-'))"/>
  </xsl:template>

  <!-- aria-invalid and aria-describedby for a control.  help-id: the id of
       the control's help text, if any.  Must be called before the control
       gets any child node. -->
  <xsl:template name="field-aria">
    <xsl:param name="name"/>
    <xsl:param name="help-id" select="''"/>
    <xsl:variable name="err" select="string(/page/form/field[@name = $name][1]/@error)"/>
    <xsl:variable name="err-id">
      <xsl:call-template name="field-error-id">
        <xsl:with-param name="name" select="$name"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$err != ''">
        <xsl:attribute name="aria-invalid">true</xsl:attribute>
        <xsl:attribute name="aria-describedby">
          <xsl:value-of select="normalize-space(concat($err-id, ' ', $help-id))"/>
        </xsl:attribute>
      </xsl:when>
      <xsl:when test="string($help-id) != ''">
        <xsl:attribute name="aria-describedby">
          <xsl:value-of select="$help-id"/>
        </xsl:attribute>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- The error message for a field, when /page/form carries one. -->
  <xsl:template name="field-error">
    <xsl:param name="name"/>
    <xsl:variable name="err" select="string(/page/form/field[@name = $name][1]/@error)"/>
    <xsl:if test="$err != ''">
      <p class="field-error">
        <xsl:attribute name="id">
          <xsl:call-template name="field-error-id">
            <xsl:with-param name="name" select="$name"/>
          </xsl:call-template>
        </xsl:attribute>
        <xsl:value-of select="$err"/>
      </p>
    </xsl:if>
  </xsl:template>

  <!-- Does the field have an error?  Outputs "1" or nothing. -->
  <xsl:template name="field-has-error">
    <xsl:param name="name"/>
    <xsl:if test="string(/page/form/field[@name = $name][1]/@error) != ''">1</xsl:if>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- Text helpers                                                     -->
  <!-- ================================================================ -->

  <!-- Replace every occurrence of from by to in text. -->
  <xsl:template name="replace">
    <xsl:param name="text"/>
    <xsl:param name="from"/>
    <xsl:param name="to"/>
    <xsl:choose>
      <xsl:when test="$from != '' and contains($text, $from)">
        <xsl:value-of select="substring-before($text, $from)"/>
        <xsl:value-of select="$to"/>
        <xsl:call-template name="replace">
          <xsl:with-param name="text" select="substring-after($text, $from)"/>
          <xsl:with-param name="from" select="$from"/>
          <xsl:with-param name="to" select="$to"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$text"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Text escaped for use inside a double-quoted HTML attribute value that
       is itself shown as text (e.g. generated embed code): & and ". -->
  <xsl:template name="escape-attr">
    <xsl:param name="text"/>
    <xsl:variable name="amp">
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="$text"/>
        <xsl:with-param name="from" select="'&amp;'"/>
        <xsl:with-param name="to" select="'&amp;amp;'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:call-template name="replace">
      <xsl:with-param name="text" select="$amp"/>
      <xsl:with-param name="from" select="'&quot;'"/>
      <xsl:with-param name="to" select="'&amp;quot;'"/>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
