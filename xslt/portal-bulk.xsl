<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: bulk "Enable portal access" (page "portal-bulk",
     GET/POST /settings/customers/enable-portal): the ticked customers and a
     permission group, then what happened to each customer. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Enable portal access</xsl:template>

  <xsl:template match="portal-bulk">
    <div class="page-head">
      <p class="breadcrumb">Customers › <a href="/settings/customers">Customers</a></p>
      <h1>Enable portal access</h1>
    </div>
    <xsl:call-template name="notices"/>
    <xsl:choose>
      <xsl:when test="@state = 'done'">
        <div class="table-wrap">
          <table class="data-table bulk-results">
            <thead><tr><th scope="col">Customer</th><th scope="col">Login</th><th scope="col">Result</th></tr></thead>
            <tbody>
              <xsl:for-each select="customer">
                <tr>
                  <td><xsl:value-of select="name"/></td>
                  <td><xsl:value-of select="email"/></td>
                  <td class="result-{@result}">
                    <xsl:choose>
                      <xsl:when test="@result = 'invited'">Portal user added and invited</xsl:when>
                      <xsl:when test="@result = 'added'">Portal user added (not invited: the portal is off)</xsl:when>
                      <xsl:when test="@result = 'skipped-no-email'">Skipped: the customer has no primary email</xsl:when>
                      <xsl:otherwise>Skipped: this email has portal access already</xsl:otherwise>
                    </xsl:choose>
                  </td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
        <p><a class="btn" href="/settings/client/portal-access">Portal Access</a></p>
      </xsl:when>
      <xsl:otherwise>
        <form class="form card" method="post" action="/settings/customers/enable-portal">
          <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
          <p>A portal user is created for each customer's primary email
            <xsl:if test="@portal-enabled = '1'">and invited</xsl:if>; customers without one,
            or whose email has portal access already, are skipped.</p>
          <ul class="delete-list">
            <xsl:for-each select="customer">
              <li>
                <input type="hidden" name="id" value="{@id}"/>
                <xsl:value-of select="name"/>
                <xsl:text> </xsl:text>
                <span class="muted">
                  <xsl:choose>
                    <xsl:when test="normalize-space(email) != ''"><xsl:value-of select="email"/></xsl:when>
                    <xsl:otherwise>(no primary email)</xsl:otherwise>
                  </xsl:choose>
                </span>
              </li>
            </xsl:for-each>
          </ul>
          <div class="field">
            <label for="group">Permission group</label>
            <select id="group" name="group">
              <xsl:for-each select="groups/group">
                <option value="{@id}">
                  <xsl:if test="@selected = '1'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                  <xsl:value-of select="."/>
                </option>
              </xsl:for-each>
            </select>
            <xsl:call-template name="field-error"><xsl:with-param name="name" select="'group'"/></xsl:call-template>
          </div>
          <div class="actions">
            <button type="submit" class="btn btn-primary">Enable portal access</button>
            <a class="btn btn-link" href="/settings/customers">Cancel</a>
          </div>
        </form>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
