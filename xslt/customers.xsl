<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the customers list (page name "customers", GET /settings/customers). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:variable name="path" select="'/settings/customers'"/>

  <xsl:template match="page" mode="title">Customers</xsl:template>

  <xsl:template match="customers">
    <xsl:variable name="editable" select="@editable = '1' or @editable = 'true'"/>
    <xsl:variable name="list" select="list"/>

    <div class="page-head page-head-row">
      <h1>Customers</h1>
      <xsl:if test="$editable">
        <a class="btn btn-primary" href="/settings/customers/edit">Add customer</a>
      </xsl:if>
    </div>

    <xsl:if test="not($editable)">
      <p class="note note-readonly">You have view-only access to settings.</p>
    </xsl:if>

    <div class="list-toolbar">
      <xsl:call-template name="list-filter-bar">
        <xsl:with-param name="path" select="$path"/>
        <xsl:with-param name="list" select="$list"/>
        <xsl:with-param name="placeholder" select="'Name or email'"/>
      </xsl:call-template>
      <xsl:if test="$editable and $list/rows/customer">
        <button type="submit" form="customers-form" class="btn" data-needs-selection="id">Enable portal access</button>
      </xsl:if>
    </div>

    <form id="customers-form" class="list-form" method="get" action="/settings/customers/enable-portal">
    <div class="table-wrap">
      <table class="data-table stack">
        <caption class="visually-hidden">Customers</caption>
        <thead>
          <tr>
            <xsl:if test="$editable">
              <th scope="col" class="col-select">
                <input type="checkbox" class="select-all" hidden="hidden"
                       aria-label="Select every customer on this page"/>
              </th>
            </xsl:if>
            <xsl:call-template name="list-th">
              <xsl:with-param name="path" select="$path"/>
              <xsl:with-param name="list" select="$list"/>
              <xsl:with-param name="key" select="'name'"/>
              <xsl:with-param name="label" select="'Name'"/>
            </xsl:call-template>
            <xsl:call-template name="list-th">
              <xsl:with-param name="path" select="$path"/>
              <xsl:with-param name="list" select="$list"/>
              <xsl:with-param name="key" select="'email'"/>
              <xsl:with-param name="label" select="'Primary email'"/>
            </xsl:call-template>
            <xsl:call-template name="list-th">
              <xsl:with-param name="path" select="$path"/>
              <xsl:with-param name="list" select="$list"/>
              <xsl:with-param name="key" select="'phone'"/>
              <xsl:with-param name="label" select="'Phone'"/>
            </xsl:call-template>
            <xsl:call-template name="list-th">
              <xsl:with-param name="path" select="$path"/>
              <xsl:with-param name="list" select="$list"/>
              <xsl:with-param name="key" select="'city'"/>
              <xsl:with-param name="label" select="'City'"/>
            </xsl:call-template>
            <xsl:call-template name="list-th">
              <xsl:with-param name="path" select="$path"/>
              <xsl:with-param name="list" select="$list"/>
              <xsl:with-param name="key" select="'portal-users'"/>
              <xsl:with-param name="label" select="'Portal users'"/>
              <xsl:with-param name="class" select="'num'"/>
            </xsl:call-template>
          </tr>
        </thead>
        <tbody>
          <xsl:apply-templates select="$list/rows/customer">
            <xsl:with-param name="select" select="$editable"/>
          </xsl:apply-templates>
          <xsl:if test="not($list/rows/customer)">
            <xsl:call-template name="list-empty-row">
              <xsl:with-param name="list" select="$list"/>
              <xsl:with-param name="colspan" select="5 + number($editable)"/>
              <xsl:with-param name="empty" select="'No customers yet.'"/>
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

  <xsl:template match="rows/customer">
    <xsl:param name="select" select="false()"/>
    <tr>
      <xsl:if test="$select">
        <td class="col-select" data-label="Select">
          <input type="checkbox" name="id" value="{@id}" aria-label="Select {name}"/>
        </td>
      </xsl:if>
      <td data-label="Customer" class="cell-key">
        <a href="/settings/customers/edit?id={@id}">
          <xsl:choose>
            <xsl:when test="normalize-space(name) != ''">
              <xsl:value-of select="name"/>
            </xsl:when>
            <xsl:otherwise>(no name)</xsl:otherwise>
          </xsl:choose>
        </a>
      </td>
      <td class="cell-email" data-label="Email">
        <xsl:value-of select="email"/>
      </td>
      <td data-label="Phone">
        <xsl:value-of select="phone"/>
      </td>
      <td data-label="City">
        <xsl:value-of select="city"/>
      </td>
      <td class="num" data-label="Portal users">
        <xsl:value-of select="@portal-users"/>
      </td>
    </tr>
  </xsl:template>

</xsl:stylesheet>
