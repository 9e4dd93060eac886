<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: office users deleted within the restore period (page
     "office-deleted", GET/POST /settings/office-users/deleted), each with a Restore button. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Deleted office users</xsl:template>

  <xsl:template match="office-deleted">
    <div class="page-head">
      <p class="breadcrumb">Office › <a href="/settings/office-users">Office Users</a></p>
      <h1>Deleted office users</h1>
      <p class="lead">
        <xsl:text>Deleted in the last </xsl:text>
        <xsl:value-of select="@days"/>
        <xsl:text> days. A restored user gets their login, role and permissions back, without a password or sessions, and is mailed a link to set a password.</xsl:text>
      </p>
    </div>
    <xsl:choose>
        <xsl:when test="not(deleted)">
          <section class="card"><p class="muted">Nobody was deleted in this period.</p></section>
        </xsl:when>
        <xsl:otherwise>
          <div class="table-wrap">
          <table class="data-table stack">
            <caption class="visually-hidden">Deleted office users</caption>
            <thead>
              <tr>
                <th scope="col">Login</th>
                <th scope="col">Name</th>
                <th scope="col">Deleted</th>
                <th scope="col">Restorable until</th>
                <th scope="col"><span class="visually-hidden">Restore</span></th>
              </tr>
            </thead>
            <tbody>
              <xsl:for-each select="deleted">
                <tr>
                  <td data-label="Login"><xsl:value-of select="email"/></td>
                  <td data-label="Name"><xsl:value-of select="name"/></td>
                  <td class="cell-date" data-label="Deleted">
                    <xsl:call-template name="datetime">
                      <xsl:with-param name="value" select="@deleted-at"/>
                    </xsl:call-template>
                  </td>
                  <td class="cell-date" data-label="Restorable until">
                    <xsl:call-template name="datetime">
                      <xsl:with-param name="value" select="@until"/>
                    </xsl:call-template>
                  </td>
                  <td data-label="" class="cell-action">
                    <form class="inline-form" method="post" action="/settings/office-users/deleted">
                      <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
                      <input type="hidden" name="id" value="{@id}"/>
                      <button type="submit" class="btn btn-small" aria-label="Restore {email}">Restore</button>
                    </form>
                  </td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
          </div>
          <xsl:if test="@more = '1'">
            <p class="muted">The newest 500 are shown.</p>
          </xsl:if>
        </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
