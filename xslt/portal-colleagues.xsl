<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: a customer's own admin manages colleagues (page
     "portal-colleagues", GET/POST /portal/<slug>/colleagues). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="portal-layout.xsl"/>

  <xsl:template match="portal-colleagues">
    <xsl:variable name="me" select="."/>
    <div class="page-head">
      <p class="breadcrumb"><a href="/portal/{/page/portal/@slug}/home">Home</a></p>
      <h1>Colleagues</h1>
      <p class="lead">The people of your company who use this portal.</p>
    </div>
    <div class="table-wrap">
      <table class="data-table">
        <thead><tr><th scope="col">Email</th><th scope="col">Group</th><th scope="col">Status</th>
          <th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
        <tbody>
          <xsl:for-each select="colleagues/colleague">
            <tr>
              <td><xsl:value-of select="email"/></td>
              <td><xsl:value-of select="group"/></td>
              <td>
                <xsl:choose>
                  <xsl:when test="@status = 'not_invited'">Not invited</xsl:when>
                  <xsl:when test="@status = 'invited'">Invited</xsl:when>
                  <xsl:when test="@status = 'active'">Active</xsl:when>
                  <xsl:when test="@status = 'revoked'">Revoked</xsl:when>
                  <xsl:when test="@status = 'locked'">Locked</xsl:when>
                </xsl:choose>
              </td>
              <td>
                <xsl:if test="@manageable = '1'">
                  <form method="post" action="{$me/@action}">
                    <input type="hidden" name="csrf" value="{$me/@csrf}"/>
                    <input type="hidden" name="id" value="{@id}"/>
                    <xsl:choose>
                      <xsl:when test="@access = 'active'">
                        <button type="submit" class="btn btn-small" name="action" value="revoke">Revoke</button>
                      </xsl:when>
                      <xsl:otherwise>
                        <button type="submit" class="btn btn-small" name="action" value="restore">Restore</button>
                      </xsl:otherwise>
                    </xsl:choose>
                  </form>
                </xsl:if>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>
    <section class="card">
      <h2>Invite a colleague</h2>
      <form class="form inline-form" method="post" action="{@action}">
        <input type="hidden" name="csrf" value="{@csrf}"/>
        <input type="hidden" name="action" value="invite"/>
        <label for="email">Email</label>
        <input type="email" id="email" name="email" required="required"/>
        <label for="group">Group</label>
        <select id="group" name="group">
          <xsl:for-each select="groups/group">
            <option value="{@id}"><xsl:value-of select="."/></option>
          </xsl:for-each>
        </select>
        <button type="submit" class="btn btn-primary">Invite</button>
      </form>
      <p class="help">Only groups that grant no more than yours are offered.</p>
    </section>
  </xsl:template>

</xsl:stylesheet>
