<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: portal permission groups (page "portal-groups",
     GET /settings/client/portal-groups). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Portal Permission Groups</xsl:template>

  <xsl:template match="portal-groups">
    <div class="page-head page-head-row">
      <div>
        <p class="breadcrumb">Client</p>
        <h1>Portal Permission Groups</h1>
        <p class="lead">What the people of your customers may see and do in the client portal.</p>
      </div>
      <xsl:if test="@editable = '1'">
        <a class="btn btn-primary" href="/settings/client/portal-groups/edit">Add group</a>
      </xsl:if>
    </div>
    <div class="table-wrap">
      <table class="data-table">
        <thead><tr><th scope="col">Group</th><th scope="col">Permissions</th>
          <th scope="col" class="num">Members</th></tr></thead>
        <tbody>
          <xsl:for-each select="group">
            <tr>
              <td>
                <a href="/settings/client/portal-groups/edit?id={@id}"><xsl:value-of select="name"/></a>
                <xsl:if test="@default = '1'"> <span class="badge">Default</span></xsl:if>
                <xsl:if test="@system = '1'"> <span class="badge">System: secure token links</span></xsl:if>
                <xsl:if test="@require-mfa = '1'"> <span class="badge">MFA</span></xsl:if>
                <xsl:if test="@visibility = 'own'"> <span class="badge">Own records only</span></xsl:if>
              </td>
              <td>
                <xsl:for-each select="perm[@on = '1']">
                  <xsl:if test="position() &gt; 1">, </xsl:if>
                  <xsl:value-of select="."/>
                </xsl:for-each>
                <xsl:if test="not(perm[@on = '1'])"><span class="muted">Nothing</span></xsl:if>
              </td>
              <td class="num"><xsl:value-of select="@members"/></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>
  </xsl:template>

</xsl:stylesheet>
