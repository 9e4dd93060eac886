<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the office users list (page name "office-users",
     GET /settings/office-users; Super Admins only). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:variable name="path" select="'/settings/office-users'"/>

  <xsl:template match="page" mode="title">Office Users</xsl:template>

  <xsl:template match="office-users">
    <xsl:variable name="list" select="list"/>
    <div class="page-head page-head-row">
      <div>
        <p class="breadcrumb">Office</p>
        <h1>Office Users</h1>
      </div>
      <div class="head-actions">
        <a class="btn" href="/settings/office-users/deleted">Deleted office users</a>
        <a class="btn btn-primary" href="/settings/office-users/edit">Add Office User</a>
      </div>
    </div>

    <div class="list-toolbar">
      <xsl:call-template name="list-filter-bar">
        <xsl:with-param name="path" select="$path"/>
        <xsl:with-param name="list" select="$list"/>
        <xsl:with-param name="placeholder" select="'Login or name'"/>
        <xsl:with-param name="signin" select="true()"/>
      </xsl:call-template>
      <xsl:if test="$list/rows/user">
        <button type="submit" form="office-users-form" class="btn btn-danger"
                data-needs-selection="id">Delete selected</button>
      </xsl:if>
    </div>

    <form id="office-users-form" class="list-form" method="get" action="/settings/office-users/delete">
      <div class="table-wrap">
        <table class="data-table stack">
          <caption class="visually-hidden">Office users</caption>
          <thead>
            <tr>
              <th scope="col" class="col-select">
                <input type="checkbox" class="select-all" hidden="hidden"
                       aria-label="Select every office user on this page"/>
              </th>
              <xsl:for-each select="$list/column">
                <xsl:call-template name="list-th">
                  <xsl:with-param name="path" select="$path"/>
                  <xsl:with-param name="list" select="$list"/>
                  <xsl:with-param name="key" select="@key"/>
                </xsl:call-template>
                <xsl:if test="@key = 'role'">
                  <th scope="col">Phone</th>
                </xsl:if>
                <xsl:if test="@key = 'status'">
                  <th scope="col">Last sign-in</th>
                </xsl:if>
              </xsl:for-each>
            </tr>
          </thead>
          <tbody>
            <xsl:apply-templates select="$list/rows/user"/>
            <xsl:if test="not($list/rows/user)">
              <xsl:call-template name="list-empty-row">
                <xsl:with-param name="list" select="$list"/>
                <xsl:with-param name="colspan" select="8"/>
                <xsl:with-param name="empty" select="'No office users yet.'"/>
              </xsl:call-template>
            </xsl:if>
          </tbody>
        </table>
      </div>
    </form>

    <xsl:call-template name="list-footer">
      <xsl:with-param name="path" select="$path"/>
      <xsl:with-param name="list" select="$list"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="rows/user">
    <tr>
      <td class="col-select" data-label="Select">
        <xsl:if test="@id != /page/office-users/@self">
          <input type="checkbox" name="id" value="{@id}" aria-label="Select {email}"/>
        </xsl:if>
      </td>
      <td class="cell-email cell-key" data-label="Email"><a href="/settings/office-users/edit?id={@id}"><xsl:value-of select="email"/></a></td>
      <td data-label="First name"><xsl:value-of select="first"/></td>
      <td data-label="Last name"><xsl:value-of select="last"/></td>
      <td data-label="Role">
        <xsl:call-template name="role-label">
          <xsl:with-param name="role" select="@role"/>
        </xsl:call-template>
        <xsl:if test="@settings = 'super'"> <span class="badge">Super Admin</span></xsl:if>
      </td>
      <td data-label="Phone"><xsl:value-of select="phone"/></td>
      <td data-label="Status"><span class="badge status-{@status}">
        <xsl:choose>
          <xsl:when test="@status = 'active'">Active</xsl:when>
          <xsl:otherwise>Inactive</xsl:otherwise>
        </xsl:choose>
      </span></td>
      <td class="cell-date" data-label="Last sign-in">
        <xsl:call-template name="datetime">
          <xsl:with-param name="value" select="last-sign-in"/>
        </xsl:call-template>
      </td>
    </tr>
  </xsl:template>

  <xsl:template name="role-label">
    <xsl:param name="role"/>
    <xsl:choose>
      <xsl:when test="$role = 'view_only'">View Only</xsl:when>
      <xsl:when test="$role = 'edit_view'">Edit &amp; View</xsl:when>
      <xsl:when test="$role = 'admin'">Admin</xsl:when>
      <xsl:otherwise>Customize</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
