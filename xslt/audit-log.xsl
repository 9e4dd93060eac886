<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the audit log (page "audit-log", GET /settings/audit-log,
     Super Admins).  Newest first; the filter is a GET form; each entry links
     to its target; the pager's links carry the filter (@query) and a cursor
     (@older, @newer); the export links carry the filter only. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Audit log</xsl:template>

  <xsl:template match="audit-log">
    <xsl:variable name="f" select="filter"/>
    <xsl:variable name="q" select="string(@query)"/>
    <xsl:variable name="amp">
      <xsl:if test="$q != ''">&amp;</xsl:if>
    </xsl:variable>
    <div class="page-head">
      <p class="breadcrumb">Security</p>
      <h1>Audit log</h1>
      <p class="lead">Who did what, and when: sign-ins, changes to access and
        settings, and what clients did in the portal. Newest first; times in
        your zone.</p>
    </div>
    <form class="card form audit-filter" method="get" action="/settings/audit-log" role="search">
      <div class="field-row">
        <div class="field">
          <label for="actor">Actor</label>
          <input type="text" id="actor" name="actor" value="{$f/@actor}" maxlength="254"
                 spellcheck="false" autocomplete="off" placeholder="someone@example.com"/>
        </div>
        <div class="field">
          <label for="category">Kind of action</label>
          <select id="category" name="category">
            <option value="">Any</option>
            <xsl:for-each select="categories/category">
              <option value="{@name}">
                <xsl:if test="@name = $f/@category">
                  <xsl:attribute name="selected">selected</xsl:attribute>
                </xsl:if>
                <xsl:value-of select="."/>
              </option>
            </xsl:for-each>
          </select>
        </div>
        <div class="field">
          <label for="action">Action</label>
          <input type="text" id="action" name="action" value="{$f/@action}" maxlength="64"
                 spellcheck="false" autocomplete="off" placeholder="portal_user.sign_in"/>
        </div>
        <div class="field">
          <label for="target">Target</label>
          <input type="text" id="target" name="target" value="{$f/@target}" maxlength="200"
                 spellcheck="false" autocomplete="off"/>
        </div>
        <div class="field">
          <label for="from">From</label>
          <input type="date" id="from" name="from" value="{$f/@from}"/>
        </div>
        <div class="field">
          <label for="to">To</label>
          <input type="date" id="to" name="to" value="{$f/@to}"/>
        </div>
      </div>
      <div class="actions">
        <button type="submit" class="btn btn-primary">Filter</button>
        <a class="btn btn-link" href="/settings/audit-log">Clear filter</a>
        <span class="export-links">Export this view:
          <a href="/settings/audit-log/export?{$q}{$amp}as=csv">CSV</a>
          <xsl:text> · </xsl:text>
          <a href="/settings/audit-log/export?{$q}{$amp}as=xml">XML</a>
        </span>
      </div>
    </form>
    <div class="table-wrap">
      <table class="data-table audit-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          <xsl:apply-templates select="entries/entry"/>
          <xsl:if test="not(entries/entry)">
            <tr class="list-empty"><td colspan="5">No entries match.</td></tr>
          </xsl:if>
        </tbody>
      </table>
    </div>
    <div class="list-footer">
      <nav class="pager" aria-label="Pages">
        <span class="pager-range">
          <xsl:choose>
            <xsl:when test="@count-exact = '0'">More than 1,000 entries</xsl:when>
            <xsl:when test="@count = 1">1 entry</xsl:when>
            <xsl:otherwise><xsl:value-of select="format-number(@count, '#,##0')"/> entries</xsl:otherwise>
          </xsl:choose>
        </span>
        <xsl:call-template name="gh-pager-link">
          <xsl:with-param name="href" select="concat('/settings/audit-log?', $q, $amp, 'per=', @per)"/>
          <xsl:with-param name="rel" select="'first'"/>
          <xsl:with-param name="enabled" select="boolean(@newer)"/>
          <xsl:with-param name="icon" select="'&#171;'"/>
          <xsl:with-param name="text" select="'Newest entries'"/>
        </xsl:call-template>
        <xsl:call-template name="gh-pager-link">
          <xsl:with-param name="href" select="concat('/settings/audit-log?', $q, $amp, 'per=', @per, '&amp;newer=', @newer)"/>
          <xsl:with-param name="rel" select="'prev'"/>
          <xsl:with-param name="enabled" select="boolean(@newer)"/>
          <xsl:with-param name="icon" select="'&#8249;'"/>
          <xsl:with-param name="text" select="'Newer entries'"/>
        </xsl:call-template>
        <xsl:call-template name="gh-pager-link">
          <xsl:with-param name="href" select="concat('/settings/audit-log?', $q, $amp, 'per=', @per, '&amp;older=', @older)"/>
          <xsl:with-param name="rel" select="'next'"/>
          <xsl:with-param name="enabled" select="boolean(@older)"/>
          <xsl:with-param name="icon" select="'&#8250;'"/>
          <xsl:with-param name="text" select="'Older entries'"/>
        </xsl:call-template>
      </nav>
    </div>
  </xsl:template>

  <xsl:template match="entry">
    <tr>
      <td class="nowrap">
        <xsl:call-template name="datetime"><xsl:with-param name="value" select="@time"/></xsl:call-template>
        <xsl:if test="@address or @request-id">
          <br/>
          <span class="muted" title="Address; the request id (in the server's logs) is {@request-id}">
            <xsl:value-of select="@address"/>
          </span>
        </xsl:if>
      </td>
      <td>
        <xsl:choose>
          <xsl:when test="@actor-kind = 'system'"><span class="muted">Gatehouse</span></xsl:when>
          <xsl:when test="@actor-query">
            <a href="/settings/audit-log?{@actor-query}" title="Only this actor's entries">
              <xsl:value-of select="actor"/>
            </a>
          </xsl:when>
          <xsl:otherwise><span class="muted">Unknown login</span></xsl:otherwise>
        </xsl:choose>
        <xsl:if test="@actor-kind != 'office' and @actor-kind != 'system'">
          <span class="muted">
            <xsl:choose>
              <xsl:when test="@actor-kind = 'portal'"> (portal)</xsl:when>
              <xsl:otherwise> (API key)</xsl:otherwise>
            </xsl:choose>
          </span>
        </xsl:if>
      </td>
      <td><code><xsl:value-of select="@action"/></code></td>
      <td>
        <xsl:variable name="href">
          <xsl:choose>
            <xsl:when test="@target-kind = 'portal_user'">/settings/client/portal-access/edit?id=</xsl:when>
            <xsl:when test="@target-kind = 'office_user'">/settings/office-users/edit?id=</xsl:when>
            <xsl:when test="@target-kind = 'customer'">/settings/customers/edit?id=</xsl:when>
            <xsl:when test="@target-kind = 'group'">/settings/client/portal-groups/edit?id=</xsl:when>
            <xsl:when test="@target-kind = 'webhook'">/settings/webhooks?log=</xsl:when>
          </xsl:choose>
        </xsl:variable>
        <xsl:choose>
          <xsl:when test="string($href) != '' and @target-id">
            <a href="{concat($href, @target-id)}"><xsl:value-of select="target"/></a>
          </xsl:when>
          <xsl:when test="@target-kind = 'api_key'">
            <a href="/settings/api-keys"><xsl:value-of select="target"/></a>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="target"/></xsl:otherwise>
        </xsl:choose>
      </td>
      <td class="audit-change">
        <xsl:if test="old">
          <del><xsl:value-of select="old"/></del>
          <xsl:if test="new"><xsl:text> → </xsl:text></xsl:if>
        </xsl:if>
        <xsl:if test="new"><ins><xsl:value-of select="new"/></ins></xsl:if>
      </td>
    </tr>
  </xsl:template>

</xsl:stylesheet>
