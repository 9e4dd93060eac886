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
    - text-field (name, label, ...)    a labelled <input> with its help and error
    - datetime (value)                 an xs:dateTime as <time>, "Never" if empty
    - @status in mode status-badge     a portal user's status as a badge

  List toolkit (docs/contract.md, "List pages"); every template takes
  path (the page's path, e.g. /settings/customers) and list (the <list>
  element, default: the context node's list child):
    - list-filter-bar (path, list, status)
                                        GET form: q (and the status select
                                        when status), hidden sort/dir/per,
                                        "Filter" and "Clear filter"
    - list-th (path, list, key, label) a column header: a sort link with
                                        aria-sort when the list has a column
                                        with that key, else plain text
    - list-empty-row (list, colspan, empty)
                                        the one row of an empty table: empty
                                        text, or "No match for the filter."
    - list-footer (path, list)         list-page-size, then list-pager
    - list-page-size (path, list)      GET form: select per, hidden
                                        sort/dir/q, "Show" (.js-hide)
    - list-pager (path, list)          "first – last of total" and the
                                        first/previous/next/last links
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:gh="urn:gatehouse:xslt" exclude-result-prefixes="gh">

  <xsl:output method="html" encoding="UTF-8" indent="no"
              doctype-system="about:legacy-compat"/>

  <xsl:strip-space elements="page menu section form frame-origins error
                              list rows customers customer-edit portal-access
                              portal-user-edit portal-user-delete"/>

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
      <!-- A page that follows work in progress (a job) reloads itself. -->
      <xsl:if test="/page/*/@refresh">
        <meta http-equiv="refresh" content="{/page/*/@refresh}"/>
      </xsl:if>
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
        <a class="btn btn-quiet" href="/settings/account">Your account</a>
        <a class="btn btn-quiet" href="/settings/mfa/enrol">Two-step verification</a>
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
                  <xsl:if test="@count">
                    <xsl:text> </xsl:text>
                    <span class="nav-count">(<xsl:value-of select="@count"/>)</span>
                  </xsl:if>
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

  <!-- A labelled text-like <input> in a <div class="field">: the echoed
       value (field-value), help text (id NAME-help), aria attributes and the
       error message.  echo false: never a value (passwords).  from-form
       false: the model value even when /page/form echoes the field.
       show-error false: ignore an error /page/form carries for it. -->
  <xsl:template name="text-field">
    <xsl:param name="name"/>
    <xsl:param name="label"/>
    <xsl:param name="type" select="'text'"/>
    <xsl:param name="model" select="''"/>
    <xsl:param name="editable" select="true()"/>
    <xsl:param name="required" select="false()"/>
    <xsl:param name="autocomplete" select="''"/>
    <xsl:param name="maxlength" select="''"/>
    <xsl:param name="help" select="''"/>
    <xsl:param name="echo" select="true()"/>
    <xsl:param name="from-form" select="true()"/>
    <xsl:param name="show-error" select="true()"/>
    <xsl:variable name="help-id">
      <xsl:if test="string($help) != ''">
        <xsl:value-of select="concat($name, '-help')"/>
      </xsl:if>
    </xsl:variable>
    <xsl:variable name="has-err">
      <xsl:if test="$show-error">
        <xsl:call-template name="field-has-error">
          <xsl:with-param name="name" select="$name"/>
        </xsl:call-template>
      </xsl:if>
    </xsl:variable>
    <div class="field">
      <xsl:if test="$has-err = '1'">
        <xsl:attribute name="class">field has-error</xsl:attribute>
      </xsl:if>
      <label for="{$name}">
        <xsl:value-of select="$label"/>
      </label>
      <input type="{$type}" id="{$name}" name="{$name}">
        <xsl:if test="string($autocomplete) != ''">
          <xsl:attribute name="autocomplete">
            <xsl:value-of select="$autocomplete"/>
          </xsl:attribute>
        </xsl:if>
        <xsl:if test="$type = 'email'">
          <xsl:attribute name="spellcheck">false</xsl:attribute>
          <xsl:attribute name="autocapitalize">off</xsl:attribute>
        </xsl:if>
        <xsl:if test="string($maxlength) != ''">
          <xsl:attribute name="maxlength">
            <xsl:value-of select="$maxlength"/>
          </xsl:attribute>
        </xsl:if>
        <xsl:if test="$required">
          <xsl:attribute name="required">required</xsl:attribute>
        </xsl:if>
        <xsl:if test="not($editable)">
          <xsl:attribute name="disabled">disabled</xsl:attribute>
        </xsl:if>
        <xsl:choose>
          <xsl:when test="$show-error">
            <xsl:call-template name="field-aria">
              <xsl:with-param name="name" select="$name"/>
              <xsl:with-param name="help-id" select="string($help-id)"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:when test="string($help-id) != ''">
            <xsl:attribute name="aria-describedby">
              <xsl:value-of select="$help-id"/>
            </xsl:attribute>
          </xsl:when>
        </xsl:choose>
        <xsl:choose>
          <xsl:when test="not($echo)"/>
          <xsl:when test="$from-form">
            <xsl:attribute name="value">
              <xsl:call-template name="field-value">
                <xsl:with-param name="name" select="$name"/>
                <xsl:with-param name="model" select="$model"/>
              </xsl:call-template>
            </xsl:attribute>
          </xsl:when>
          <xsl:otherwise>
            <xsl:attribute name="value">
              <xsl:value-of select="$model"/>
            </xsl:attribute>
          </xsl:otherwise>
        </xsl:choose>
      </input>
      <xsl:if test="string($help-id) != ''">
        <p class="help" id="{$help-id}">
          <xsl:value-of select="$help"/>
        </p>
      </xsl:if>
      <xsl:if test="$show-error">
        <xsl:call-template name="field-error">
          <xsl:with-param name="name" select="$name"/>
        </xsl:call-template>
      </xsl:if>
    </div>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- URLs                                                             -->
  <!-- ================================================================ -->

  <!-- Query strings are built, encoded, by the list engine (list.c):
       list/@query, list/@query-clear and column/@query. -->

  <!-- ================================================================ -->
  <!-- Dates and statuses                                               -->
  <!-- ================================================================ -->

  <!-- 2026-11-23T10:00:00Z as <time datetime="...">2026-11-23 10:00 UTC</time>;
       empty: the empty text, muted. -->
  <xsl:template name="datetime">
    <xsl:param name="value"/>
    <xsl:param name="empty" select="'Never'"/>
    <xsl:variable name="v" select="normalize-space($value)"/>
    <xsl:choose>
      <xsl:when test="$v = ''">
        <span class="muted">
          <xsl:value-of select="$empty"/>
        </span>
      </xsl:when>
      <xsl:when test="string-length($v) &gt;= 16 and substring($v, 11, 1) = 'T'">
        <!-- Shown in the viewer's zone (/page/@tz: the user's own, else
             the tenant's; gh:local-time in render.c), the instant itself
             in datetime and, in UTC, on hover. -->
        <time datetime="{$v}" title="{concat(substring($v, 1, 10), ' ', substring($v, 12, 5), ' UTC')}">
          <xsl:value-of select="gh:local-time($v, string(/page/@tz))"/>
        </time>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$v"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A user's own time zone: a form posting time_zone to $action, the
       company's zone first (value ""), from a <time-zone own="" tenant="">
       element with its <zone> list. -->
  <xsl:template match="time-zone" mode="own-zone-form">
    <xsl:param name="action"/>
    <xsl:param name="csrf"/>
    <form method="post" action="{$action}">
      <input type="hidden" name="csrf" value="{$csrf}"/>
      <div class="field">
        <label for="time_zone">Show dates and times in</label>
        <xsl:variable name="own" select="string(@own)"/>
        <select id="time_zone" name="time_zone">
          <option value="">
            <xsl:value-of select="concat('The company', &quot;'&quot;, 's zone (', translate(@tenant, '_', ' '), ')')"/>
          </option>
          <xsl:for-each select="zone">
            <option value="{.}">
              <xsl:if test=". = $own">
                <xsl:attribute name="selected">selected</xsl:attribute>
              </xsl:if>
              <xsl:value-of select="translate(., '_', ' ')"/>
            </option>
          </xsl:for-each>
        </select>
      </div>
      <button type="submit" class="btn">Save time zone</button>
    </form>
  </xsl:template>

  <!-- A portal user's status attribute (not_invited, invited, active,
       revoked, locked: as the portal's sign-in decides it, pstatus.c) as a
       badge: <xsl:apply-templates select="@status" mode="status-badge"/>.
       A mode template, not a named one: no parameter to evaluate, which
       libxslt makes a tenth of a list row. -->
  <xsl:template match="@status" mode="status-badge">
    <span class="badge status-{.}">
      <xsl:choose>
        <xsl:when test=". = 'not_invited'">Not invited</xsl:when>
        <xsl:when test=". = 'invited'">Invited</xsl:when>
        <xsl:when test=". = 'active'">Active</xsl:when>
        <xsl:when test=". = 'revoked'">Revoked</xsl:when>
        <xsl:when test=". = 'locked'">Locked</xsl:when>
        <xsl:otherwise>
          <xsl:value-of select="."/>
        </xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <!-- The statuses a list of portal users filters by: a select named
       status (list/@facet the current one; "" any), for a filter bar. -->
  <!-- The Office Users list's filter by last sign-in (list/@facet). -->
  <xsl:template name="office-signin-select">
    <xsl:param name="list"/>
    <xsl:variable name="cur" select="string($list/@facet)"/>
    <label class="filter-label" for="list-signin">Signed in:</label>
    <select id="list-signin" name="signin">
      <option value="">Any time</option>
      <option value="never">
        <xsl:if test="$cur = 'never'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:text>Never</xsl:text>
      </option>
      <option value="over90">
        <xsl:if test="$cur = 'over90'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:text>Over 90 days ago</xsl:text>
      </option>
    </select>
  </xsl:template>

  <xsl:template name="portal-status-select">
    <xsl:param name="list"/>
    <xsl:variable name="cur" select="string($list/@facet)"/>
    <label class="filter-label" for="list-status">Status:</label>
    <select id="list-status" name="status">
      <option value="">Any</option>
      <option value="not_invited">
        <xsl:if test="$cur = 'not_invited'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:text>Not invited</xsl:text>
      </option>
      <option value="invited">
        <xsl:if test="$cur = 'invited'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:text>Invited</xsl:text>
      </option>
      <option value="active">
        <xsl:if test="$cur = 'active'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:text>Active</xsl:text>
      </option>
      <option value="revoked">
        <xsl:if test="$cur = 'revoked'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:text>Revoked</xsl:text>
      </option>
      <option value="locked">
        <xsl:if test="$cur = 'locked'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:text>Locked</xsl:text>
      </option>
    </select>
  </xsl:template>

  <!-- The invitation states a list of portal users filters by (the
       ledger's latest invitation, sql/026 and sql/028): a select named
       invitation (list/@facet2 the current one; "" any). -->
  <xsl:template name="portal-invitation-select">
    <xsl:param name="list"/>
    <xsl:variable name="cur" select="string($list/@facet2)"/>
    <label class="filter-label" for="list-invitation">Invitation:</label>
    <select id="list-invitation" name="invitation">
      <option value="">Any</option>
      <option value="not_invited">
        <xsl:if test="$cur = 'not_invited'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:text>Not invited</xsl:text>
      </option>
      <option value="invited">
        <xsl:if test="$cur = 'invited'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:text>Invited</xsl:text>
      </option>
      <option value="reminded">
        <xsl:if test="$cur = 'reminded'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:text>Reminded</xsl:text>
      </option>
      <option value="accepted">
        <xsl:if test="$cur = 'accepted'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:text>Accepted</xsl:text>
      </option>
      <option value="expired">
        <xsl:if test="$cur = 'expired'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:text>Expired</xsl:text>
      </option>
      <option value="bounced">
        <xsl:if test="$cur = 'bounced'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:text>Bounced</xsl:text>
      </option>
    </select>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- List toolkit (docs/contract.md, "List pages")                    -->
  <!-- ================================================================ -->

  <!-- Hidden inputs that carry the current view through a GET form. -->
  <xsl:template name="gh-list-hidden">
    <xsl:param name="list"/>
    <xsl:param name="names"/>
    <xsl:if test="contains($names, ' sort ') and string($list/@sort) != ''">
      <input type="hidden" name="sort" value="{$list/@sort}"/>
    </xsl:if>
    <xsl:if test="contains($names, ' dir ') and string($list/@dir) != ''">
      <input type="hidden" name="dir" value="{$list/@dir}"/>
    </xsl:if>
    <xsl:if test="contains($names, ' q ') and string($list/@filter) != ''">
      <input type="hidden" name="q" value="{$list/@filter}"/>
    </xsl:if>
    <!-- A page's own filter (list/@facet-name: the portal users' status),
         kept wherever q is. -->
    <xsl:if test="contains($names, ' q ') and string($list/@facet) != ''">
      <input type="hidden" name="{$list/@facet-name}" value="{$list/@facet}"/>
    </xsl:if>
    <xsl:if test="contains($names, ' q ') and string($list/@facet2) != ''">
      <input type="hidden" name="{$list/@facet2-name}" value="{$list/@facet2}"/>
    </xsl:if>
    <!-- Where the page shown starts (list/@query-position, made by list.c
         of at most after=, before= or end=, and at=): a form that comes
         back here (bulk actions) shows the same page. -->
    <xsl:if test="contains($names, ' pos ') and string($list/@query-position) != ''">
      <xsl:call-template name="gh-hidden-query">
        <xsl:with-param name="q" select="string($list/@query-position)"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:if test="contains($names, ' per ') and string($list/@per-page) != ''">
      <input type="hidden" name="per" value="{$list/@per-page}"/>
    </xsl:if>
  </xsl:template>

  <!-- The filter bar: a GET form sending q and keeping sort, dir and per
       (page starts over), and "Clear filter", which drops q (and the
       page's own filter).  status: also a select of portal user statuses
       (portal-status-select), sent with q. -->
  <xsl:template name="list-filter-bar">
    <xsl:param name="path"/>
    <xsl:param name="list" select="list"/>
    <xsl:param name="placeholder" select="''"/>
    <xsl:param name="status" select="false()"/>
    <xsl:param name="signin" select="false()"/>
    <xsl:param name="invitation" select="false()"/>
    <form class="filter-bar" method="get" action="{$path}" role="search">
      <label class="filter-label" for="list-q">Filter:</label>
      <input type="search" id="list-q" name="q" value="{$list/@filter}"
             maxlength="100" autocomplete="off" spellcheck="false">
        <xsl:if test="string($placeholder) != ''">
          <xsl:attribute name="placeholder">
            <xsl:value-of select="$placeholder"/>
          </xsl:attribute>
        </xsl:if>
      </input>
      <xsl:if test="$status">
        <xsl:call-template name="portal-status-select">
          <xsl:with-param name="list" select="$list"/>
        </xsl:call-template>
      </xsl:if>
      <xsl:if test="$signin">
        <xsl:call-template name="office-signin-select">
          <xsl:with-param name="list" select="$list"/>
        </xsl:call-template>
      </xsl:if>
      <xsl:if test="$invitation">
        <xsl:call-template name="portal-invitation-select">
          <xsl:with-param name="list" select="$list"/>
        </xsl:call-template>
      </xsl:if>
      <xsl:call-template name="gh-list-hidden">
        <xsl:with-param name="list" select="$list"/>
        <xsl:with-param name="names" select="' sort dir per '"/>
      </xsl:call-template>
      <button type="submit" class="btn">Filter</button>
      <a class="btn btn-link clear-filter">
        <xsl:attribute name="href">
          <xsl:value-of select="concat($path, '?', $list/@query-clear)"/>
        </xsl:attribute>
        <xsl:text>Clear filter</xsl:text>
      </a>
    </form>
  </xsl:template>

  <!-- A column header.  When the list has a column with this key: a link
       sorting by it (descending when it is the current ascending column,
       else ascending; back to the first page), the column's label, and
       aria-sort on the sorted column.  Otherwise the label as text. -->
  <xsl:template name="list-th">
    <xsl:param name="path"/>
    <xsl:param name="list" select="list"/>
    <xsl:param name="key"/>
    <xsl:param name="label" select="''"/>
    <xsl:param name="class" select="''"/>
    <xsl:variable name="col" select="$list/column[@key = $key][1]"/>
    <!-- Written for libxslt's costs (a header is paid for on every list
         render): no result-tree-fragment variables, one choose. -->
    <th scope="col">
      <xsl:choose>
        <xsl:when test="$col">
          <xsl:attribute name="class">
            <xsl:if test="$class != ''">
              <xsl:value-of select="concat($class, ' ')"/>
            </xsl:if>
            <xsl:text>sortable</xsl:text>
          </xsl:attribute>
          <!-- sorted is asc or desc (list.c): ascending, descending -->
          <xsl:if test="$col/@sorted">
            <xsl:attribute name="aria-sort">
              <xsl:value-of select="concat($col/@sorted, 'ending')"/>
            </xsl:attribute>
          </xsl:if>
          <a class="sort-link" href="{$path}?{$col/@query}">
            <xsl:value-of select="$col/@label"/>
            <span class="sort-icon" aria-hidden="true"></span>
          </a>
        </xsl:when>
        <xsl:otherwise>
          <xsl:if test="$class != ''">
            <xsl:attribute name="class">
              <xsl:value-of select="$class"/>
            </xsl:attribute>
          </xsl:if>
          <xsl:value-of select="$label"/>
        </xsl:otherwise>
      </xsl:choose>
    </th>
  </xsl:template>

  <!-- The one row of a table without rows: "No match for the filter."
       when a filter is set, else the page's empty text. -->
  <xsl:template name="list-empty-row">
    <xsl:param name="list" select="list"/>
    <xsl:param name="colspan" select="1"/>
    <xsl:param name="empty" select="'Nothing here yet.'"/>
    <tr class="list-empty">
      <td colspan="{$colspan}">
        <xsl:choose>
          <xsl:when test="string($list/@filter) != '' or string($list/@facet) != '' or string($list/@facet2) != ''">No match for the filter.</xsl:when>
          <xsl:otherwise>
            <xsl:value-of select="$empty"/>
          </xsl:otherwise>
        </xsl:choose>
      </td>
    </tr>
  </xsl:template>

  <!-- Below the table: the page-size selector, then the pager. -->
  <xsl:template name="list-footer">
    <xsl:param name="path"/>
    <xsl:param name="list" select="list"/>
    <div class="list-footer">
      <xsl:call-template name="list-page-size">
        <xsl:with-param name="path" select="$path"/>
        <xsl:with-param name="list" select="$list"/>
      </xsl:call-template>
      <xsl:call-template name="list-pager">
        <xsl:with-param name="path" select="$path"/>
        <xsl:with-param name="list" select="$list"/>
      </xsl:call-template>
    </div>
  </xsl:template>

  <!-- Items per page: a GET form keeping sort, dir and q (page starts
       over).  Its "Show" button is for browsers without JavaScript: app.js
       hides .js-hide and submits select.autosubmit on change. -->
  <xsl:template name="list-page-size">
    <xsl:param name="path"/>
    <xsl:param name="list" select="list"/>
    <form class="page-size" method="get" action="{$path}">
      <xsl:call-template name="gh-list-hidden">
        <xsl:with-param name="list" select="$list"/>
        <xsl:with-param name="names" select="' sort dir q '"/>
      </xsl:call-template>
      <label for="list-per">Items per page:</label>
      <select id="list-per" name="per" class="autosubmit">
        <!-- list.c marks the current size (per is one of the four). -->
        <xsl:for-each select="$list/page-size">
          <option value="{@value}">
            <xsl:if test="@current">
              <xsl:attribute name="selected">selected</xsl:attribute>
            </xsl:if>
            <xsl:value-of select="@value"/>
          </option>
        </xsl:for-each>
      </select>
      <button type="submit" class="btn btn-small js-hide">Show</button>
    </form>
  </xsl:template>

  <!-- A query string of name=value pairs (percent-encoded by list.c,
       values base64url or digits) as hidden inputs. -->
  <xsl:template name="gh-hidden-query">
    <xsl:param name="q"/>
    <xsl:variable name="pair" select="substring-before(concat($q, '&amp;'), '&amp;')"/>
    <input type="hidden" name="{substring-before($pair, '=')}" value="{substring-after($pair, '=')}"/>
    <xsl:if test="contains($q, '&amp;')">
      <xsl:call-template name="gh-hidden-query">
        <xsl:with-param name="q" select="substring-after($q, '&amp;')"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- "first – last of total" (or "of more than total" when the count
       stops at its bound) and first / previous / next / last: links, or
       disabled when there is no such page.  Pages are by key (list.h):
       Previous and Next carry the row they start from, Last is end=1. -->
  <xsl:template name="list-pager">
    <xsl:param name="path"/>
    <xsl:param name="list" select="list"/>
    <xsl:variable name="base" select="concat($path, '?', $list/@query)"/>
    <xsl:variable name="of">
      <xsl:text> of </xsl:text>
      <xsl:if test="$list/@total-more">more than </xsl:if>
      <xsl:value-of select="format-number($list/@total, '#,##0')"/>
    </xsl:variable>
    <nav class="pager" aria-label="Pages">
      <span class="pager-range">
        <xsl:choose>
          <xsl:when test="number($list/@first) &gt; 0">
            <xsl:value-of select="concat(format-number($list/@first, '#,##0'), ' &#8211; ',
                                         format-number($list/@last, '#,##0'), $of)"/>
          </xsl:when>
          <xsl:when test="number($list/@shown) &gt; 0">
            <xsl:value-of select="concat(format-number($list/@shown, '#,##0'), ' shown', $of)"/>
          </xsl:when>
          <xsl:otherwise>
            <xsl:value-of select="concat('0 &#8211; 0', $of)"/>
          </xsl:otherwise>
        </xsl:choose>
      </span>
      <xsl:call-template name="gh-pager-link">
        <xsl:with-param name="href" select="$base"/>
        <xsl:with-param name="rel" select="'first'"/>
        <xsl:with-param name="enabled" select="$list/@has-prev = '1'"/>
        <xsl:with-param name="icon" select="'&#171;'"/>
        <xsl:with-param name="text" select="'First page'"/>
      </xsl:call-template>
      <xsl:call-template name="gh-pager-link">
        <xsl:with-param name="href" select="concat($path, '?', $list/@query-prev)"/>
        <xsl:with-param name="rel" select="'prev'"/>
        <xsl:with-param name="enabled" select="$list/@has-prev = '1' and $list/@query-prev"/>
        <xsl:with-param name="icon" select="'&#8249;'"/>
        <xsl:with-param name="text" select="'Previous page'"/>
      </xsl:call-template>
      <xsl:call-template name="gh-pager-link">
        <xsl:with-param name="href" select="concat($path, '?', $list/@query-next)"/>
        <xsl:with-param name="rel" select="'next'"/>
        <xsl:with-param name="enabled" select="$list/@has-next = '1' and $list/@query-next"/>
        <xsl:with-param name="icon" select="'&#8250;'"/>
        <xsl:with-param name="text" select="'Next page'"/>
      </xsl:call-template>
      <xsl:call-template name="gh-pager-link">
        <xsl:with-param name="href" select="concat($base, '&amp;end=1')"/>
        <xsl:with-param name="rel" select="'last'"/>
        <xsl:with-param name="enabled" select="$list/@has-next = '1'"/>
        <xsl:with-param name="icon" select="'&#187;'"/>
        <xsl:with-param name="text" select="'Last page'"/>
      </xsl:call-template>
    </nav>
  </xsl:template>

  <!-- One pager link to href, or a disabled one. -->
  <xsl:template name="gh-pager-link">
    <xsl:param name="href"/>
    <xsl:param name="rel"/>
    <xsl:param name="enabled"/>
    <xsl:param name="icon"/>
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="$enabled">
        <a class="pager-link pager-{$rel}" href="{$href}">
          <xsl:if test="$rel = 'prev' or $rel = 'next'">
            <xsl:attribute name="rel">
              <xsl:value-of select="$rel"/>
            </xsl:attribute>
          </xsl:if>
          <span class="pager-icon" aria-hidden="true">
            <xsl:value-of select="$icon"/>
          </span>
          <span class="visually-hidden">
            <xsl:value-of select="$text"/>
          </span>
        </a>
      </xsl:when>
      <xsl:otherwise>
        <span class="pager-link pager-{$rel} is-disabled" aria-disabled="true">
          <span class="pager-icon" aria-hidden="true">
            <xsl:value-of select="$icon"/>
          </span>
          <span class="visually-hidden">
            <xsl:value-of select="$text"/>
          </span>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- An office user's sessions (<sessions><session id created last-seen
       ip user-agent current?/>…</sessions>), each with a Sign out form
       posting op=end&session=ID (and the hidden fields in $hidden, e.g.
       the user's id) to $action. -->
  <xsl:template match="sessions" mode="office-sessions">
    <xsl:param name="action"/>
    <xsl:param name="id" select="''"/>
    <div class="table-wrap">
      <table class="data-table stack sessions">
        <thead>
          <tr><th scope="col">Signed in</th><th scope="col">Last active</th>
            <th scope="col">Address</th><th scope="col">Browser</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          <xsl:for-each select="session">
            <tr>
              <td data-label="Signed in">
                <xsl:call-template name="datetime"><xsl:with-param name="value" select="@created"/></xsl:call-template>
                <xsl:if test="@current = '1'"> <span class="badge">This browser</span></xsl:if>
              </td>
              <td data-label="Last active">
                <xsl:call-template name="datetime"><xsl:with-param name="value" select="@last-seen"/></xsl:call-template>
              </td>
              <td data-label="Address"><xsl:value-of select="@ip"/></td>
              <td data-label="Browser" class="cell-ua"><xsl:value-of select="@user-agent"/></td>
              <td>
                <form class="inline-form" method="post" action="{$action}">
                  <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
                  <input type="hidden" name="op" value="end"/>
                  <input type="hidden" name="session" value="{@id}"/>
                  <xsl:if test="$id != ''"><input type="hidden" name="id" value="{$id}"/></xsl:if>
                  <button type="submit" class="btn btn-secondary" aria-label="Sign out the session signed in at {@created}">Sign out</button>
                </form>
              </td>
            </tr>
          </xsl:for-each>
          <xsl:if test="not(session)">
            <tr class="list-empty"><td colspan="5">Not signed in anywhere.</td></tr>
          </xsl:if>
        </tbody>
      </table>
    </div>
  </xsl:template>

</xsl:stylesheet>
