<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: add or edit an office user (page name "office-user-edit",
     GET/POST /settings/office-users/edit[?id=N]).  One form in three
     sections, General, Permissions and Email; the tab bar is in-page links
     to them, so the page works without JavaScript, and app.js makes it ARIA
     tabs.  A preset role's permissions are a read-only summary; the module
     matrix is editable for Customize only. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:choose>
      <xsl:when test="office-user-edit/user/@id">Edit Office User</xsl:when>
      <xsl:otherwise>Add Office User</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="office-user-edit">
    <xsl:variable name="u" select="user"/>
    <!-- The role the server settled on (after Enable All: Customize). -->
    <xsl:variable name="role" select="string($u/@role)"/>
    <!-- An in-form action's re-render: the passwords come back as typed. -->
    <xsl:variable name="carry" select="/page/form/@carry = '1'"/>
    <xsl:variable name="action">
      <xsl:text>/settings/office-users/edit</xsl:text>
    </xsl:variable>
    <div class="page-head">
      <p class="breadcrumb">Office › <a href="/settings/office-users">Office Users</a></p>
      <h1>
        <xsl:choose>
          <xsl:when test="$u/@id">Edit Office User</xsl:when>
          <xsl:otherwise>Add Office User</xsl:otherwise>
        </xsl:choose>
      </h1>
    </div>
    <xsl:call-template name="notices"/>
    <!-- In-page links to the form's sections (they work without
         JavaScript); app.js makes them ARIA tabs over the sections. -->
    <nav class="tabs ou-tabs" aria-label="Sections" data-tabs="ou-form">
      <a href="#general" id="tab-general">General</a>
      <a href="#permissions" id="tab-permissions">Permissions</a>
      <a href="#mail-tab" id="tab-mail-tab">Email</a>
    </nav>
    <form id="ou-form" class="form edit-form ou-form" method="post" action="{$action}">
      <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
      <xsl:if test="$u/@id">
        <input type="hidden" name="id" value="{$u/@id}"/>
      </xsl:if>

      <section id="general" class="card tab-panel" aria-labelledby="general-title">
        <h2 id="general-title">General</h2>
        <div class="ou-groups">
          <fieldset class="fieldset ou-group">
            <legend>General info</legend>
            <xsl:call-template name="text-field">
              <xsl:with-param name="name" select="'email'"/>
              <xsl:with-param name="label" select="'Login (email) *'"/>
              <xsl:with-param name="type" select="'email'"/>
              <xsl:with-param name="model" select="$u/email"/>
              <xsl:with-param name="required" select="true()"/>
              <xsl:with-param name="autocomplete" select="'off'"/>
            </xsl:call-template>
            <xsl:call-template name="text-field">
              <xsl:with-param name="name" select="'password'"/>
              <xsl:with-param name="type" select="'password'"/>
              <xsl:with-param name="echo" select="$carry"/>
              <xsl:with-param name="autocomplete" select="'new-password'"/>
              <xsl:with-param name="required" select="not($u/@id)"/>
              <xsl:with-param name="label">
                <xsl:choose>
                  <xsl:when test="$u/@id">New password (leave empty to keep it)</xsl:when>
                  <xsl:otherwise>Password *</xsl:otherwise>
                </xsl:choose>
              </xsl:with-param>
              <xsl:with-param name="help" select="'At least 10 characters; common passwords are refused.'"/>
            </xsl:call-template>
            <xsl:call-template name="ou-select">
              <xsl:with-param name="name" select="'role'"/>
              <xsl:with-param name="label" select="'Role *'"/>
              <xsl:with-param name="model" select="$role"/>
              <xsl:with-param name="from-form" select="false()"/>
              <xsl:with-param name="options" select="roles/role"/>
              <xsl:with-param name="switch" select="true()"/>
            </xsl:call-template>
          </fieldset>
          <fieldset class="fieldset ou-group">
            <legend>Contact details</legend>
            <xsl:call-template name="text-field">
              <xsl:with-param name="name" select="'first'"/>
              <xsl:with-param name="label" select="'First name'"/>
              <xsl:with-param name="model" select="$u/first"/>
            </xsl:call-template>
            <xsl:call-template name="text-field">
              <xsl:with-param name="name" select="'last'"/>
              <xsl:with-param name="label" select="'Last name'"/>
              <xsl:with-param name="model" select="$u/last"/>
            </xsl:call-template>
            <xsl:call-template name="text-field">
              <xsl:with-param name="name" select="'phone'"/>
              <xsl:with-param name="label" select="'Phone'"/>
              <xsl:with-param name="type" select="'tel'"/>
              <xsl:with-param name="model" select="$u/phone"/>
            </xsl:call-template>
            <xsl:call-template name="ou-select">
              <xsl:with-param name="name" select="'carrier'"/>
              <xsl:with-param name="label" select="'Mobile provider (with the phone, for text alerts)'"/>
              <xsl:with-param name="model" select="$u/carrier"/>
              <xsl:with-param name="options" select="carriers/carrier"/>
              <xsl:with-param name="none" select="'None'"/>
            </xsl:call-template>
          </fieldset>
          <fieldset class="fieldset ou-group address">
            <legend>Address *</legend>
            <p class="help">The company's address unless this user works elsewhere.</p>
            <xsl:call-template name="text-field">
              <xsl:with-param name="name" select="'street'"/>
              <xsl:with-param name="label" select="'Street'"/>
              <xsl:with-param name="model" select="$u/street"/>
              <xsl:with-param name="required" select="true()"/>
            </xsl:call-template>
            <xsl:call-template name="text-field">
              <xsl:with-param name="name" select="'city'"/>
              <xsl:with-param name="label" select="'City'"/>
              <xsl:with-param name="model" select="$u/city"/>
              <xsl:with-param name="required" select="true()"/>
            </xsl:call-template>
            <xsl:call-template name="text-field">
              <xsl:with-param name="name" select="'state'"/>
              <xsl:with-param name="label" select="'State'"/>
              <xsl:with-param name="model" select="$u/state"/>
              <xsl:with-param name="required" select="true()"/>
            </xsl:call-template>
            <xsl:call-template name="text-field">
              <xsl:with-param name="name" select="'zip'"/>
              <xsl:with-param name="label" select="'ZIP'"/>
              <xsl:with-param name="model" select="$u/zip"/>
              <xsl:with-param name="required" select="true()"/>
            </xsl:call-template>
            <xsl:call-template name="text-field">
              <xsl:with-param name="name" select="'country'"/>
              <xsl:with-param name="label" select="'Country'"/>
              <xsl:with-param name="model" select="$u/country"/>
              <xsl:with-param name="required" select="true()"/>
            </xsl:call-template>
          </fieldset>
          <fieldset class="fieldset ou-group">
            <legend>Login</legend>
            <xsl:call-template name="ou-select">
              <xsl:with-param name="name" select="'screen'"/>
              <xsl:with-param name="label" select="'Default login screen'"/>
              <xsl:with-param name="model" select="$u/screen"/>
              <xsl:with-param name="options" select="modules/module[@kind != 'toggle']"/>
            </xsl:call-template>
          </fieldset>
        </div>
      </section>

      <section id="permissions" class="card tab-panel" aria-labelledby="permissions-title">
        <h2 id="permissions-title">Permissions</h2>
        <xsl:if test="@self = '1'">
          <p class="note">You cannot change your own role or permissions.</p>
        </xsl:if>
        <div class="perm-head">
          <h3 id="modules-title">Module permissions</h3>
          <!-- An in-form action: without JavaScript the form comes back
               (everything typed kept) as Customize with every module at
               its highest level; app.js does the same in the page. -->
          <button type="submit" class="btn" name="enable_all" value="1"
                  formnovalidate="formnovalidate" formaction="{$action}#permissions"
                  data-enable-all="">Enable All</button>
        </div>
        <!-- A preset role's permissions are the server's: shown, never
             posted.  One summary per preset; the role's is visible. -->
        <xsl:for-each select="roles/role[@key != 'customize']">
          <xsl:variable name="key" select="string(@key)"/>
          <div class="perm-summary" data-role-panel="{$key}">
            <xsl:if test="$key != $role"><xsl:attribute name="hidden">hidden</xsl:attribute></xsl:if>
            <p><strong><xsl:value-of select="."/></strong> grants (read-only; choose
              Customize to set each module):</p>
            <dl class="perm-summary-list">
              <xsl:call-template name="summary-row"><xsl:with-param name="key" select="$key"/><xsl:with-param name="name" select="'Super Admin'"/></xsl:call-template>
              <xsl:call-template name="summary-row"><xsl:with-param name="key" select="$key"/><xsl:with-param name="name" select="'Edit'"/></xsl:call-template>
              <xsl:call-template name="summary-row"><xsl:with-param name="key" select="$key"/><xsl:with-param name="name" select="'On'"/></xsl:call-template>
              <xsl:call-template name="summary-row"><xsl:with-param name="key" select="$key"/><xsl:with-param name="name" select="'View'"/></xsl:call-template>
              <xsl:call-template name="summary-row"><xsl:with-param name="key" select="$key"/><xsl:with-param name="name" select="'Map View'"/></xsl:call-template>
              <xsl:call-template name="summary-row"><xsl:with-param name="key" select="$key"/><xsl:with-param name="name" select="'Off'"/></xsl:call-template>
              <xsl:call-template name="summary-row"><xsl:with-param name="key" select="$key"/><xsl:with-param name="name" select="'No Access'"/></xsl:call-template>
            </dl>
          </div>
        </xsl:for-each>
        <!-- The matrix: editable only for Customize.  Otherwise it is on the
             page hidden and disabled (never posted), for app.js to open
             when the role becomes Customize. -->
        <div class="perm-matrix" data-role-panel="customize" role="group" aria-labelledby="modules-title">
          <xsl:if test="$role != 'customize'"><xsl:attribute name="hidden">hidden</xsl:attribute></xsl:if>
          <xsl:for-each select="modules/module">
            <div class="field perm-field">
              <label for="perm_{@key}"><xsl:value-of select="@label"/></label>
              <xsl:call-template name="perm-select">
                <xsl:with-param name="m" select="."/>
                <xsl:with-param name="enabled" select="$role = 'customize'"/>
              </xsl:call-template>
            </div>
          </xsl:for-each>
        </div>
        <fieldset class="checks">
          <legend>Calendars (Scheduling at Edit needs at least one)</legend>
          <xsl:for-each select="calendars/item">
            <label class="check"><input type="checkbox" name="calendar" value="{@id}">
              <xsl:if test="@selected = '1'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
            </input> <xsl:value-of select="."/></label>
          </xsl:for-each>
          <xsl:if test="not(calendars/item)">
            <p class="note">No calendars yet: <a href="/settings/calendars">add one</a>.</p>
          </xsl:if>
          <xsl:call-template name="field-error"><xsl:with-param name="name" select="'calendar'"/></xsl:call-template>
        </fieldset>
        <fieldset class="checks">
          <legend>Map visibility for vehicles</legend>
          <label class="check"><input type="radio" name="vehicles" value="all">
            <xsl:if test="vehicles/@all = '1'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          </input> All vehicles</label>
          <label class="check"><input type="radio" name="vehicles" value="chosen">
            <xsl:if test="vehicles/@all = '0'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          </input> Only these:</label>
          <xsl:for-each select="vehicles/item">
            <label class="check check-sub"><input type="checkbox" name="vehicle" value="{@id}">
              <xsl:if test="@selected = '1'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
            </input> <xsl:value-of select="."/></label>
          </xsl:for-each>
          <xsl:call-template name="field-error"><xsl:with-param name="name" select="'vehicles'"/></xsl:call-template>
          <xsl:call-template name="field-error"><xsl:with-param name="name" select="'vehicle'"/></xsl:call-template>
        </fieldset>
        <fieldset class="checks">
          <legend>Notification settings</legend>
          <xsl:for-each select="notifications/notify">
            <label class="check"><input type="checkbox" name="notify_{@key}" value="1">
              <xsl:if test="@on = '1'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
            </input> <xsl:value-of select="."/></label>
          </xsl:for-each>
        </fieldset>
      </section>

      <xsl:variable name="m" select="mail"/>
      <xsl:variable name="mp">
        <xsl:call-template name="field-value">
          <xsl:with-param name="name" select="'mail'"/>
          <xsl:with-param name="model" select="$m/@provider"/>
        </xsl:call-template>
      </xsl:variable>
      <section id="mail-tab" class="card tab-panel" aria-labelledby="email-title">
        <h2 id="email-title">Email</h2>
        <p class="help">How mail sent in this user's name leaves: through the company's
          server, or the user's own.</p>
        <fieldset class="checks">
          <legend>Outgoing mail</legend>
          <label class="check"><input type="radio" name="mail" value="default">
            <xsl:if test="$mp = 'default' or $mp = ''"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          </input> The company's mail server</label>
          <label class="check"><input type="radio" name="mail" value="smtp">
            <xsl:if test="$mp = 'smtp'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          </input> Other SMTP connection</label>
          <label class="check"><input type="radio" name="mail" value="google">
            <xsl:if test="$mp = 'google'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
            <xsl:if test="$m/@google != '1'"><xsl:attribute name="disabled">disabled</xsl:attribute></xsl:if>
          </input> Google</label>
          <xsl:if test="$m/@google != '1'">
            <p class="note oauth-missing">Google needs the server's operator to register an OAuth
              client and set <code>google_client_id</code> and <code>google_client_secret</code>
              in the <code>[oauth]</code> section of its configuration.</p>
          </xsl:if>
          <label class="check"><input type="radio" name="mail" value="office365">
            <xsl:if test="$mp = 'office365'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
            <xsl:if test="$m/@office365 != '1'"><xsl:attribute name="disabled">disabled</xsl:attribute></xsl:if>
          </input> Office 365</label>
          <xsl:if test="$m/@office365 != '1'">
            <p class="note oauth-missing">Office 365 needs the server's operator to register an
              OAuth client and set <code>microsoft_client_id</code> and
              <code>microsoft_client_secret</code> in the <code>[oauth]</code> section.</p>
          </xsl:if>
          <xsl:call-template name="field-error"><xsl:with-param name="name" select="'mail'"/></xsl:call-template>
        </fieldset>
        <fieldset class="smtp">
          <legend>Other SMTP connection</legend>
          <xsl:call-template name="text-field">
            <xsl:with-param name="name" select="'smtp_host'"/>
            <xsl:with-param name="label" select="'Server (host name)'"/>
            <xsl:with-param name="model" select="$m/@host"/>
          </xsl:call-template>
          <xsl:call-template name="text-field">
            <xsl:with-param name="name" select="'smtp_port'"/>
            <xsl:with-param name="label" select="'Port'"/>
            <xsl:with-param name="type" select="'number'"/>
            <xsl:with-param name="model" select="$m/@port"/>
          </xsl:call-template>
          <xsl:variable name="sec">
            <xsl:call-template name="field-value">
              <xsl:with-param name="name" select="'smtp_security'"/>
              <xsl:with-param name="model" select="$m/@security"/>
            </xsl:call-template>
          </xsl:variable>
          <div class="field">
            <label for="smtp_security">Security</label>
            <select id="smtp_security" name="smtp_security">
              <option value="starttls"><xsl:if test="$sec = 'starttls'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>STARTTLS (port 587)</option>
              <option value="tls"><xsl:if test="$sec = 'tls'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>TLS (port 465)</option>
              <option value="none"><xsl:if test="$sec = 'none'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>None (no login allowed)</option>
            </select>
            <xsl:call-template name="field-error"><xsl:with-param name="name" select="'smtp_security'"/></xsl:call-template>
          </div>
          <xsl:call-template name="text-field">
            <xsl:with-param name="name" select="'smtp_user'"/>
            <xsl:with-param name="label" select="'Login'"/>
            <xsl:with-param name="model" select="$m/@user"/>
            <xsl:with-param name="autocomplete" select="'off'"/>
          </xsl:call-template>
          <xsl:call-template name="text-field">
            <xsl:with-param name="name" select="'smtp_password'"/>
            <xsl:with-param name="type" select="'password'"/>
            <xsl:with-param name="echo" select="$carry"/>
            <xsl:with-param name="autocomplete" select="'new-password'"/>
            <xsl:with-param name="label">
              <xsl:choose>
                <xsl:when test="$m/@has-password = '1'">Password (stored; leave empty to keep it)</xsl:when>
                <xsl:otherwise>Password</xsl:otherwise>
              </xsl:choose>
            </xsl:with-param>
          </xsl:call-template>
        </fieldset>
      </section>

      <div class="actions">
        <button type="submit" class="btn btn-primary btn-save">Save</button>
        <a class="btn btn-link" href="/settings/office-users">Cancel</a>
      </div>
    </form>

    <xsl:if test="$u/@id and mail/@provider = 'smtp'">
      <section class="card side-card" aria-labelledby="test-title">
        <h2 id="test-title">Test the mail connection</h2>
        <xsl:for-each select="mail/last-test">
          <p>
            <xsl:attribute name="class">
              <xsl:choose>
                <xsl:when test="@ok = '1'">note last-test ok</xsl:when>
                <xsl:otherwise>note note-danger last-test</xsl:otherwise>
              </xsl:choose>
            </xsl:attribute>
            <xsl:text>Last test, </xsl:text>
            <xsl:call-template name="datetime"><xsl:with-param name="value" select="@at"/></xsl:call-template>
            <xsl:text>: </xsl:text>
            <xsl:value-of select="."/>
          </p>
        </xsl:for-each>
        <form class="inline-form" method="post" action="/settings/office-users/test-mail">
          <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
          <input type="hidden" name="id" value="{$u/@id}"/>
          <button type="submit" class="btn">Send test mail</button>
        </form>
        <p class="help">Sends a message to <xsl:value-of select="$u/email"/> through the saved connection.</p>
      </section>
    </xsl:if>

    <xsl:if test="$u/@id">
      <section class="card side-card" aria-labelledby="mfa-title">
        <h2 id="mfa-title">Two-step verification</h2>
        <p class="mfa-state">
          <xsl:choose>
            <xsl:when test="$u/@mfa-enabled = '1'">On.</xsl:when>
            <xsl:when test="$u/@mfa-required = '1'">Required: set up at the next sign-in.</xsl:when>
            <xsl:otherwise>Off.</xsl:otherwise>
          </xsl:choose>
        </p>
        <form class="inline-form" method="post" action="/settings/office-users/security">
          <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
          <input type="hidden" name="id" value="{$u/@id}"/>
          <xsl:choose>
            <xsl:when test="$u/@mfa-required = '1'">
              <button type="submit" class="btn" name="action" value="unrequire">Stop requiring MFA</button>
            </xsl:when>
            <xsl:otherwise>
              <button type="submit" class="btn" name="action" value="require">Require MFA</button>
            </xsl:otherwise>
          </xsl:choose>
        </form>
        <xsl:if test="$u/@mfa-enabled = '1'">
          <!-- A reset asks first, on a page of its own. -->
          <p><a class="btn" href="/settings/office-users/security?id={$u/@id}&amp;action=reset">Reset MFA</a></p>
        </xsl:if>
      </section>
    </xsl:if>

    <xsl:if test="$u/@id">
      <section class="card side-card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        <p><a href="/settings/office-users/sessions?id={$u/@id}">Where this user is signed in</a></p>
      </section>
    </xsl:if>

    <xsl:if test="$u/@id and @self != '1'">
      <section class="card side-card" aria-labelledby="status-title">
        <h2 id="status-title">Status</h2>
        <form class="inline-form" method="post" action="/settings/office-users/status">
          <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
          <input type="hidden" name="id" value="{$u/@id}"/>
          <xsl:choose>
            <xsl:when test="$u/@status = 'active'">
              <input type="hidden" name="active" value="0"/>
              <p>Active. Deactivating signs them out everywhere and keeps their login.</p>
              <button type="submit" class="btn">Deactivate</button>
            </xsl:when>
            <xsl:otherwise>
              <input type="hidden" name="active" value="1"/>
              <p>Inactive: cannot sign in.</p>
              <button type="submit" class="btn">Reactivate</button>
            </xsl:otherwise>
          </xsl:choose>
        </form>
        <p><a class="btn btn-danger" href="/settings/office-users/delete?id={$u/@id}">Delete</a></p>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- A labelled select of options (@key, text), the echoed or model value
       selected; none: the label of an empty first option. -->
  <xsl:template name="ou-select">
    <xsl:param name="name"/>
    <xsl:param name="label"/>
    <xsl:param name="model"/>
    <xsl:param name="options"/>
    <xsl:param name="none" select="''"/>
    <!-- false: the model even when the form comes back (the role: the
         server's, which Enable All changes) -->
    <xsl:param name="from-form" select="true()"/>
    <!-- the role: app.js switches the permissions shown with it; without
         JavaScript a button brings the form back with them -->
    <xsl:param name="switch" select="false()"/>
    <xsl:variable name="v">
      <xsl:choose>
        <xsl:when test="$from-form">
          <xsl:call-template name="field-value">
            <xsl:with-param name="name" select="$name"/>
            <xsl:with-param name="model" select="$model"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="$model"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <div class="field">
      <label for="{$name}"><xsl:value-of select="$label"/></label>
      <select id="{$name}" name="{$name}">
        <xsl:if test="$switch"><xsl:attribute name="data-role-switch">permissions</xsl:attribute></xsl:if>
        <xsl:call-template name="field-aria">
          <xsl:with-param name="name" select="$name"/>
        </xsl:call-template>
        <xsl:if test="$none != ''">
          <option value=""><xsl:value-of select="$none"/></option>
        </xsl:if>
        <xsl:for-each select="$options">
          <option value="{@key}">
            <xsl:if test="@key = $v"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
            <xsl:choose>
              <xsl:when test="@label"><xsl:value-of select="@label"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
            </xsl:choose>
          </option>
        </xsl:for-each>
      </select>
      <xsl:if test="$switch">
        <button type="submit" class="btn btn-small js-hide ou-show-role" name="show_role" value="1"
                formnovalidate="formnovalidate" formaction="/settings/office-users/edit#permissions"
          >Show its permissions</button>
      </xsl:if>
      <xsl:call-template name="field-error">
        <xsl:with-param name="name" select="$name"/>
      </xsl:call-template>
    </div>
  </xsl:template>

  <!-- One line of a preset role's summary: the modules the role gives the
       level called name, if any. -->
  <xsl:template name="summary-row">
    <xsl:param name="key"/>
    <xsl:param name="name"/>
    <xsl:variable name="m" select="/page/office-user-edit/modules/module[preset[@role = $key]/@level-name = $name]"/>
    <xsl:if test="$m">
      <div class="perm-summary-row">
        <dt><xsl:value-of select="$name"/></dt>
        <dd>
          <xsl:for-each select="$m">
            <xsl:value-of select="@label"/>
            <xsl:if test="position() != last()">, </xsl:if>
          </xsl:for-each>
        </dd>
      </div>
    </xsl:if>
  </xsl:template>

  <!-- A module's levels; those above the signed-in user's own are disabled.
       Outside Customize the (disabled) select shows the role's level. -->
  <xsl:template name="perm-select">
    <xsl:param name="m"/>
    <!-- false: a preset role's page (disabled: never posted) -->
    <xsl:param name="enabled" select="true()"/>
    <!-- data-all: the level "Enable All" gives (the Admin role's) -->
    <select id="perm_{$m/@key}" name="perm_{$m/@key}" data-all="{$m/preset[@role = 'admin']/@level}">
      <xsl:if test="not($enabled)"><xsl:attribute name="disabled">disabled</xsl:attribute></xsl:if>
      <xsl:call-template name="field-aria">
        <xsl:with-param name="name" select="concat('perm_', $m/@key)"/>
      </xsl:call-template>
      <xsl:choose>
        <xsl:when test="$m/@kind = 'map'">
          <xsl:call-template name="perm-option"><xsl:with-param name="m" select="$m"/><xsl:with-param name="v" select="0"/><xsl:with-param name="t" select="'No Access'"/></xsl:call-template>
          <xsl:call-template name="perm-option"><xsl:with-param name="m" select="$m"/><xsl:with-param name="v" select="1"/><xsl:with-param name="t" select="'Map View'"/></xsl:call-template>
        </xsl:when>
        <xsl:when test="$m/@kind = 'toggle'">
          <xsl:call-template name="perm-option"><xsl:with-param name="m" select="$m"/><xsl:with-param name="v" select="0"/><xsl:with-param name="t" select="'Off'"/></xsl:call-template>
          <xsl:call-template name="perm-option"><xsl:with-param name="m" select="$m"/><xsl:with-param name="v" select="2"/><xsl:with-param name="t" select="'On'"/></xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="perm-option"><xsl:with-param name="m" select="$m"/><xsl:with-param name="v" select="0"/><xsl:with-param name="t" select="'No Access'"/></xsl:call-template>
          <xsl:call-template name="perm-option"><xsl:with-param name="m" select="$m"/><xsl:with-param name="v" select="1"/><xsl:with-param name="t" select="'View'"/></xsl:call-template>
          <xsl:call-template name="perm-option"><xsl:with-param name="m" select="$m"/><xsl:with-param name="v" select="2"/><xsl:with-param name="t" select="'Edit'"/></xsl:call-template>
          <xsl:if test="$m/@kind = 'settings'">
            <xsl:call-template name="perm-option"><xsl:with-param name="m" select="$m"/><xsl:with-param name="v" select="3"/><xsl:with-param name="t" select="'Super Admin'"/></xsl:call-template>
          </xsl:if>
        </xsl:otherwise>
      </xsl:choose>
    </select>
    <xsl:call-template name="field-error">
      <xsl:with-param name="name" select="concat('perm_', $m/@key)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="perm-option">
    <xsl:param name="m"/>
    <xsl:param name="v"/>
    <xsl:param name="t"/>
    <option value="{$v}">
      <xsl:if test="number($m/@level) = $v"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
      <xsl:if test="$v &gt; number($m/@max)"><xsl:attribute name="disabled">disabled</xsl:attribute></xsl:if>
      <xsl:value-of select="$t"/>
    </option>
  </xsl:template>

</xsl:stylesheet>
