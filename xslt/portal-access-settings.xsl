<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: Client Portal Access Settings (page name "portal-access-settings"). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Client Portal Access Settings</xsl:template>

  <xsl:template match="portal-settings">
    <xsl:variable name="editable" select="@editable = '1' or @editable = 'true'"/>
    <xsl:variable name="saved-on" select="@enabled = '1' or @enabled = 'true'"/>
    <xsl:variable name="link" select="normalize-space(direct-link)"/>

    <!-- The switch as shown: on a re-rendered invalid POST, what was
         submitted (an unchecked checkbox is simply absent); else the model. -->
    <xsl:variable name="echo-on" select="/page/form/field[@name = 'enabled'][1]/@value"/>
    <xsl:variable name="switch-on"
                  select="(/page/form and ($echo-on = '1' or $echo-on = 'on' or $echo-on = 'true'))
                          or (not(/page/form) and $saved-on)"/>

    <div class="page-head">
      <p class="breadcrumb">Client</p>
      <h1>Client Portal Access Settings</h1>
    </div>

    <xsl:if test="not($editable)">
      <p class="note note-readonly">You have view-only access to settings.</p>
    </xsl:if>

    <xsl:if test="@enabled = '1' and @not-invited &gt; 0 and $editable">
      <section class="card invite-all" aria-labelledby="invite-all-title">
        <h2 id="invite-all-title">
          <xsl:value-of select="@not-invited"/>
          <xsl:choose>
            <xsl:when test="@not-invited = 1"> portal user has</xsl:when>
            <xsl:otherwise> portal users have</xsl:otherwise>
          </xsl:choose>
          <xsl:text> never been invited</xsl:text>
        </h2>
        <p>They cannot sign in until they choose a password through an invitation.</p>
        <form method="post" action="/settings/client/portal-access/invite-all">
          <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
          <button type="submit" class="btn btn-primary">
            <xsl:text>Invite </xsl:text>
            <xsl:choose>
              <xsl:when test="@not-invited = 1">them</xsl:when>
              <xsl:otherwise>all <xsl:value-of select="@not-invited"/></xsl:otherwise>
            </xsl:choose>
          </button>
        </form>
      </section>
    </xsl:if>
    <form class="card form settings-form" method="post"
          action="/settings/client/portal-access-settings">
      <input type="hidden" name="csrf" value="{/page/session/@csrf}">
        <xsl:if test="not($editable)">
          <xsl:attribute name="disabled">disabled</xsl:attribute>
        </xsl:if>
      </input>

      <!-- Enable Client Portal -->
      <div class="field field-switch">
        <label class="switch" for="enabled">
          <input type="checkbox" id="enabled" name="enabled" value="1" role="switch">
            <xsl:if test="$switch-on">
              <xsl:attribute name="checked">checked</xsl:attribute>
            </xsl:if>
            <xsl:if test="not($editable)">
              <xsl:attribute name="disabled">disabled</xsl:attribute>
            </xsl:if>
            <xsl:call-template name="field-aria">
              <xsl:with-param name="name" select="'enabled'"/>
              <xsl:with-param name="help-id" select="'enabled-help'"/>
            </xsl:call-template>
          </input>
          <span class="switch-text">Enable Client Portal</span>
          <span class="switch-state" aria-hidden="true">
            <span class="switch-on">On</span>
            <span class="switch-off">Off</span>
          </span>
        </label>
        <p class="help" id="enabled-help">
          <xsl:text>When the portal is on, your customers sign in with their Portal User credentials at the Direct Link.</xsl:text>
        </p>
        <xsl:call-template name="field-error">
          <xsl:with-param name="name" select="'enabled'"/>
        </xsl:call-template>
      </div>

      <!-- Invitation reminders -->
      <div class="field">
        <label class="check" for="reminders">
          <input type="checkbox" id="reminders" name="reminders" value="1" aria-describedby="reminders-help">
            <xsl:if test="(/page/form and /page/form/field[@name = 'reminders']/@value = '1') or (not(/page/form) and @reminders = '1')">
              <xsl:attribute name="checked">checked</xsl:attribute>
            </xsl:if>
            <xsl:if test="not($editable)">
              <xsl:attribute name="disabled">disabled</xsl:attribute>
            </xsl:if>
          </input>
          <xsl:text> Remind invited users who have not accepted</xsl:text>
        </label>
        <p class="help" id="reminders-help">A reminder a few days after the invitation, and one more before its link runs out, each with a new link.</p>
      </div>

      <xsl:choose>
        <xsl:when test="$saved-on and $link != ''">
          <!-- Direct Link -->
          <div class="field">
            <label for="direct-link">Direct Link</label>
            <p class="link-out">
              <xsl:choose>
                <xsl:when test="starts-with($link, 'https://') or starts-with($link, 'http://')">
                  <a href="{$link}" target="_blank" rel="noopener noreferrer">
                    <xsl:value-of select="$link"/>
                  </a>
                </xsl:when>
                <xsl:otherwise>
                  <xsl:value-of select="$link"/>
                </xsl:otherwise>
              </xsl:choose>
            </p>
            <div class="copy-row">
              <input type="text" id="direct-link" class="mono" readonly="readonly"
                     value="{$link}" aria-describedby="direct-link-help"
                     spellcheck="false"/>
              <button type="button" class="copy btn" data-copy="direct-link" hidden="hidden">Copy</button>
            </div>
            <p class="help" id="direct-link-help">The Client Portal sign-in page. Share it with your customers or link to it from your website.</p>
          </div>

          <!-- Frame code -->
          <div class="field">
            <label for="frame-code">Frame code</label>
            <div class="copy-row copy-row-block">
              <textarea id="frame-code" class="mono" readonly="readonly" rows="3"
                        spellcheck="false" aria-describedby="frame-code-help">
                <xsl:call-template name="frame-code">
                  <xsl:with-param name="link" select="$link"/>
                  <xsl:with-param name="company" select="normalize-space(company-name)"/>
                </xsl:call-template>
              </textarea>
              <button type="button" class="copy btn" data-copy="frame-code" hidden="hidden">Copy</button>
            </div>
            <p class="help" id="frame-code-help">Paste this code into a page of your website to show the Client Portal inside it. The website must be listed under Allowed frame origins.</p>
          </div>
        </xsl:when>
        <xsl:when test="not($saved-on)">
          <p class="note note-off">
            <xsl:text>The Client Portal is off. Customers cannot sign in while the portal is off, and every portal credential and session stops working.</xsl:text>
          </p>
        </xsl:when>
      </xsl:choose>

      <!-- Allowed frame origins -->
      <div class="field">
        <xsl:variable name="has-err">
          <xsl:call-template name="field-has-error">
            <xsl:with-param name="name" select="'frame_origins'"/>
          </xsl:call-template>
        </xsl:variable>
        <xsl:if test="$has-err = '1'">
          <xsl:attribute name="class">field has-error</xsl:attribute>
        </xsl:if>
        <label for="frame_origins">Allowed frame origins</label>
        <p class="help" id="frame_origins-help">
          <xsl:text>These websites may embed the Client Portal in an iframe (for example with the frame code). Enter one origin per line as scheme://host[:port], for example https://www.example.com. Leave empty to let no other website embed the portal.</xsl:text>
        </p>
        <xsl:variable name="model">
          <xsl:for-each select="frame-origins/origin">
            <xsl:value-of select="normalize-space(.)"/>
            <xsl:if test="position() != last()">
              <xsl:text>&#10;</xsl:text>
            </xsl:if>
          </xsl:for-each>
        </xsl:variable>
        <xsl:variable name="value">
          <xsl:call-template name="field-value">
            <xsl:with-param name="name" select="'frame_origins'"/>
            <xsl:with-param name="model" select="$model"/>
          </xsl:call-template>
        </xsl:variable>
        <textarea id="frame_origins" name="frame_origins" rows="5" class="mono"
                  spellcheck="false" autocapitalize="off" autocomplete="off"
                  placeholder="https://www.example.com">
          <xsl:if test="not($editable)">
            <xsl:attribute name="disabled">disabled</xsl:attribute>
          </xsl:if>
          <xsl:call-template name="field-aria">
            <xsl:with-param name="name" select="'frame_origins'"/>
            <xsl:with-param name="help-id" select="'frame_origins-help'"/>
          </xsl:call-template>
          <!-- HTML drops one newline right after <textarea>: keep a leading one. -->
          <xsl:if test="starts-with($value, '&#10;') or starts-with($value, '&#13;')">
            <xsl:text>&#10;</xsl:text>
          </xsl:if>
          <xsl:value-of select="$value"/>
        </textarea>
        <xsl:call-template name="field-error">
          <xsl:with-param name="name" select="'frame_origins'"/>
        </xsl:call-template>
      </div>

      <!-- Time zone -->
      <div class="field">
        <xsl:variable name="tz-err">
          <xsl:call-template name="field-has-error">
            <xsl:with-param name="name" select="'time_zone'"/>
          </xsl:call-template>
        </xsl:variable>
        <xsl:if test="$tz-err = '1'">
          <xsl:attribute name="class">field has-error</xsl:attribute>
        </xsl:if>
        <label for="time_zone">Time zone</label>
        <p class="help" id="time_zone-help">Dates and times on every page, for your office and your clients, are shown in this zone unless a user chooses their own.</p>
        <xsl:variable name="tz">
          <xsl:call-template name="field-value">
            <xsl:with-param name="name" select="'time_zone'"/>
            <xsl:with-param name="model" select="string(time-zone)"/>
          </xsl:call-template>
        </xsl:variable>
        <select id="time_zone" name="time_zone" data-browser-zone="1">
          <xsl:if test="not($editable)">
            <xsl:attribute name="disabled">disabled</xsl:attribute>
          </xsl:if>
          <xsl:call-template name="field-aria">
            <xsl:with-param name="name" select="'time_zone'"/>
            <xsl:with-param name="help-id" select="'time_zone-help'"/>
          </xsl:call-template>
          <xsl:for-each select="time-zones/zone">
            <option value="{.}">
              <xsl:if test=". = $tz">
                <xsl:attribute name="selected">selected</xsl:attribute>
              </xsl:if>
              <xsl:value-of select="translate(., '_', ' ')"/>
            </option>
          </xsl:for-each>
        </select>
        <xsl:call-template name="field-error">
          <xsl:with-param name="name" select="'time_zone'"/>
        </xsl:call-template>
      </div>

      <xsl:if test="$editable">
        <div class="actions">
          <button type="submit" class="btn btn-primary btn-save">Save</button>
        </div>
      </xsl:if>
    </form>
  </xsl:template>

  <!-- <iframe src="DIRECT-LINK" title="COMPANY client portal" width="100%"
       height="640" style="border:0"></iframe>, as text.  The two values are
       escaped for a double-quoted attribute (& and ") so the code stays valid
       HTML whatever the company is called; the page output escapes it again
       as textarea text. -->
  <xsl:template name="frame-code">
    <xsl:param name="link"/>
    <xsl:param name="company"/>
    <xsl:text>&lt;iframe src="</xsl:text>
    <xsl:call-template name="escape-attr">
      <xsl:with-param name="text" select="$link"/>
    </xsl:call-template>
    <xsl:text>" title="</xsl:text>
    <xsl:call-template name="escape-attr">
      <xsl:with-param name="text" select="$company"/>
    </xsl:call-template>
    <xsl:text> client portal" width="100%" height="640" style="border:0"&gt;&lt;/iframe&gt;</xsl:text>
  </xsl:template>

</xsl:stylesheet>
