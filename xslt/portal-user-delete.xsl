<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: confirm deleting portal users (page name "portal-user-delete",
     GET /settings/client/portal-access/delete?id=1&id=2, POST same path). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Delete Portal Users</xsl:template>

  <xsl:template match="portal-user-delete">
    <xsl:variable name="n">
      <xsl:choose>
        <xsl:when test="string(number(@count)) != 'NaN'">
          <xsl:value-of select="number(@count)"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:value-of select="count(user)"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>

    <div class="page-head">
      <p class="breadcrumb">
        <xsl:text>Client › </xsl:text>
        <a href="/settings/client/portal-access">Portal Access</a>
      </p>
      <h1 id="confirm-title">
        <xsl:choose>
          <xsl:when test="$n = 1">Delete 1 portal user?</xsl:when>
          <xsl:otherwise>
            <xsl:value-of select="concat('Delete ', $n, ' portal users?')"/>
          </xsl:otherwise>
        </xsl:choose>
      </h1>
    </div>

    <form class="card form confirm-delete" method="post"
          action="/settings/client/portal-access/delete" aria-labelledby="confirm-title">
      <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
      <!-- The list's view: the list after the deletion shows it again. -->
      <xsl:for-each select="keep">
        <input type="hidden" name="{@name}" value="{@value}"/>
      </xsl:for-each>
      <ul class="delete-list">
        <xsl:for-each select="user">
          <li>
            <input type="hidden" name="id" value="{@id}"/>
            <span class="delete-company">
              <xsl:choose>
                <xsl:when test="normalize-space(company) != ''">
                  <xsl:value-of select="company"/>
                </xsl:when>
                <xsl:otherwise>(no company)</xsl:otherwise>
              </xsl:choose>
            </span>
            <xsl:text> </xsl:text>
            <span class="delete-email">
              <xsl:value-of select="email"/>
            </span>
          </li>
        </xsl:for-each>
      </ul>
      <p class="note note-danger">
        <xsl:choose>
          <xsl:when test="$n = 1">The portal user is signed out at once and can no longer sign in to the Client Portal. Until the restore period ends you can restore them under Deleted portal users, without their password: they are invited again.</xsl:when>
          <xsl:otherwise>The portal users are signed out at once and can no longer sign in to the Client Portal. Until the restore period ends you can restore them under Deleted portal users, without their passwords: they are invited again.</xsl:otherwise>
        </xsl:choose>
      </p>
      <div class="actions">
        <a class="btn" href="{@back}">Cancel</a>
        <button type="submit" class="btn btn-danger">Delete</button>
      </div>
    </form>
  </xsl:template>

</xsl:stylesheet>
