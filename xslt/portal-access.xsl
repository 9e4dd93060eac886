<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the portal users list (page name "portal-access",
     GET /settings/client/portal-access). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:variable name="path" select="'/settings/client/portal-access'"/>

  <xsl:template match="page" mode="title">Portal Access</xsl:template>

  <xsl:template match="portal-access">
    <xsl:variable name="editable" select="@editable = '1' or @editable = 'true'"/>
    <xsl:variable name="list" select="list"/>
    <xsl:variable name="has-rows" select="boolean($list/rows/user)"/>

    <div class="page-head">
      <p class="breadcrumb">Client</p>
      <h1>Portal Access</h1>
      <p class="lead">The people who sign in to your Client Portal, and the company each one signs in for.</p>
    </div>

    <xsl:if test="not($editable)">
      <p class="note note-readonly">You have view-only access to settings.</p>
    </xsl:if>

    <xsl:if test="@portal-enabled = '0' or @portal-enabled = 'false'">
      <p class="note note-off">
        <xsl:text>The Client Portal is off: invitations are not sent while the portal is off, and portal users cannot sign in. </xsl:text>
        <a href="/settings/client/portal-access-settings">Portal Access Settings</a>
      </p>
    </xsl:if>

    <div class="list-toolbar">
      <xsl:call-template name="list-filter-bar">
        <xsl:with-param name="path" select="$path"/>
        <xsl:with-param name="list" select="$list"/>
        <xsl:with-param name="placeholder" select="'Company or email'"/>
        <xsl:with-param name="status" select="true()"/>
        <xsl:with-param name="invitation" select="true()"/>
      </xsl:call-template>
      <xsl:if test="$editable">
        <!-- A disclosure: opens without JavaScript.  Delete selected
             submits the table's form (form attribute). -->
        <details class="menu">
          <summary class="btn menu-button">Actions</summary>
          <div class="menu-panel">
            <a class="menu-item" href="/settings/client/portal-access/edit">
              <span aria-hidden="true">+ </span>
              <xsl:text>Add New Portal User</xsl:text>
            </a>
            <a class="menu-item" href="/settings/client/portal-access/import">Import from a CSV file</a>
            <a class="menu-item" href="/settings/client/portal-access/deleted">Deleted portal users</a>
            <xsl:if test="$has-rows">
              <!-- The ticked rows and the view go along: the next page
                   offers them, or every user the view holds. -->
              <button type="submit" form="portal-users-form" class="menu-item"
                      formaction="/settings/client/portal-access/bulk-action">Bulk action…</button>
              <button type="submit" form="portal-users-form"
                      class="menu-item menu-item-danger" data-needs-selection="id">Delete selected</button>
            </xsl:if>
          </div>
        </details>
      </xsl:if>
    </div>

    <xsl:choose>
      <xsl:when test="$editable">
        <!-- The view rides along (hidden), so that the delete
             confirmation's Cancel and the list after a deletion show it
             again, and "Select all on this page" (a submit button, for
             browsers without JavaScript; the header checkbox does it with
             JavaScript) shows the same page with every row ticked. -->
        <form id="portal-users-form" class="list-form" method="get"
              action="/settings/client/portal-access/delete">
          <xsl:call-template name="gh-list-hidden">
            <xsl:with-param name="list" select="$list"/>
            <xsl:with-param name="names" select="' sort dir q pos per '"/>
          </xsl:call-template>
          <xsl:if test="$has-rows">
            <p class="select-page js-hide">
              <button type="submit" class="btn btn-small" name="select" value="all"
                      formaction="/settings/client/portal-access">Select all on this page</button>
            </p>
          </xsl:if>
          <xsl:call-template name="portal-users-table">
            <xsl:with-param name="list" select="$list"/>
            <xsl:with-param name="select" select="true()"/>
          </xsl:call-template>
        </form>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="portal-users-table">
          <xsl:with-param name="list" select="$list"/>
          <xsl:with-param name="select" select="false()"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>

    <xsl:call-template name="list-footer">
      <xsl:with-param name="path" select="$path"/>
      <xsl:with-param name="list" select="$list"/>
    </xsl:call-template>
  </xsl:template>

  <!-- select: a checkbox per row and the select-all header checkbox. -->
  <xsl:template name="portal-users-table">
    <xsl:param name="list"/>
    <xsl:param name="select"/>
    <div class="table-wrap">
      <table class="data-table stack">
        <caption class="visually-hidden">Portal users</caption>
        <thead>
          <tr>
            <xsl:if test="$select">
              <th scope="col" class="col-select">
                <xsl:choose>
                  <xsl:when test="$list/rows/user">
                    <!-- Needs JavaScript: unhidden by app.js. -->
                    <input type="checkbox" class="select-all" hidden="hidden"
                           aria-label="Select every portal user on this page"/>
                  </xsl:when>
                  <xsl:otherwise>
                    <span class="visually-hidden">Select</span>
                  </xsl:otherwise>
                </xsl:choose>
              </th>
            </xsl:if>
            <xsl:call-template name="list-th">
              <xsl:with-param name="path" select="$path"/>
              <xsl:with-param name="list" select="$list"/>
              <xsl:with-param name="key" select="'company'"/>
              <xsl:with-param name="label" select="'Company'"/>
            </xsl:call-template>
            <xsl:call-template name="list-th">
              <xsl:with-param name="path" select="$path"/>
              <xsl:with-param name="list" select="$list"/>
              <xsl:with-param name="key" select="'email'"/>
              <xsl:with-param name="label" select="'Email'"/>
            </xsl:call-template>
            <xsl:call-template name="list-th">
              <xsl:with-param name="path" select="$path"/>
              <xsl:with-param name="list" select="$list"/>
              <xsl:with-param name="key" select="'status'"/>
              <xsl:with-param name="label" select="'Status'"/>
            </xsl:call-template>
            <xsl:call-template name="list-th">
              <xsl:with-param name="path" select="$path"/>
              <xsl:with-param name="list" select="$list"/>
              <xsl:with-param name="key" select="'last-sign-in'"/>
              <xsl:with-param name="label" select="'Last sign-in'"/>
            </xsl:call-template>
          </tr>
        </thead>
        <tbody>
          <xsl:apply-templates select="$list/rows/user">
            <xsl:with-param name="select" select="$select"/>
          </xsl:apply-templates>
          <xsl:if test="not($list/rows/user)">
            <xsl:call-template name="list-empty-row">
              <xsl:with-param name="list" select="$list"/>
              <xsl:with-param name="colspan" select="4 + number(boolean($select))"/>
              <xsl:with-param name="empty" select="'No portal users yet.'"/>
            </xsl:call-template>
          </xsl:if>
        </tbody>
      </table>
    </div>
  </xsl:template>

  <xsl:template match="rows/user">
    <xsl:param name="select" select="false()"/>
    <xsl:variable name="href" select="concat('/settings/client/portal-access/edit?id=', @id)"/>
    <tr>
      <xsl:if test="$select">
        <td class="col-select" data-label="Select">
          <input type="checkbox" name="id" value="{@id}" id="select-{@id}"
                 aria-label="Select {company}, {email}">
            <xsl:if test="../../../@select-all = '1'">
              <xsl:attribute name="checked">checked</xsl:attribute>
            </xsl:if>
          </input>
        </td>
      </xsl:if>
      <td data-label="Company" class="cell-key">
        <a href="{$href}">
          <xsl:choose>
            <xsl:when test="normalize-space(company) != ''">
              <xsl:value-of select="company"/>
            </xsl:when>
            <xsl:otherwise>(no company)</xsl:otherwise>
          </xsl:choose>
        </a>
      </td>
      <td class="cell-email" data-label="Email">
        <a href="{$href}">
          <xsl:value-of select="email"/>
        </a>
      </td>
      <td data-label="Status">
        <xsl:apply-templates select="@status" mode="status-badge"/>
        <xsl:if test="@invite-bounced = '1' and @status = 'invited'">
          <span class="status-note"> (invitation bounced)</span>
        </xsl:if>
      </td>
      <td class="cell-date" data-label="Last sign-in">
        <!-- Most have never signed in: that case without a call. -->
        <xsl:choose>
          <xsl:when test="last-sign-in = ''">
            <span class="muted">Never</span>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="datetime">
              <xsl:with-param name="value" select="last-sign-in"/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </td>
    </tr>
  </xsl:template>

</xsl:stylesheet>
