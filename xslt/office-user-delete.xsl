<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: confirm deleting office users (page name "office-user-delete",
     GET /settings/office-users/delete?id=1&id=2, POST same path). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Delete Office Users</xsl:template>

  <xsl:template match="office-user-delete">
    <div class="page-head">
      <p class="breadcrumb">Office › <a href="/settings/office-users">Office Users</a></p>
      <h1 id="confirm-title">
        <xsl:choose>
          <xsl:when test="@count = 1">Delete 1 office user?</xsl:when>
          <xsl:otherwise><xsl:value-of select="concat('Delete ', @count, ' office users?')"/></xsl:otherwise>
        </xsl:choose>
      </h1>
    </div>
    <form class="card form confirm-delete" method="post" action="/settings/office-users/delete"
          aria-labelledby="confirm-title">
      <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
      <ul class="delete-list">
        <xsl:for-each select="user">
          <li>
            <input type="hidden" name="id" value="{@id}"/>
            <span class="delete-email"><xsl:value-of select="email"/></span>
            <xsl:if test="normalize-space(concat(first, last)) != ''">
              <xsl:value-of select="concat(' (', normalize-space(concat(first, ' ', last)), ')')"/>
            </xsl:if>
            <xsl:if test="@self = '1'"> <strong>(you: refused)</strong></xsl:if>
          </li>
        </xsl:for-each>
      </ul>
      <p class="note note-danger">They are signed out at once. A Super Admin can restore them
        under Deleted office users while the restore period lasts (without their password:
        they are mailed a link to set one); after it their logins can never be used again,
        by anyone. To keep a login for later, deactivate the user instead.</p>
      <div class="actions">
        <button type="submit" class="btn btn-danger">Delete</button>
        <a class="btn btn-link" href="/settings/office-users">Cancel</a>
      </div>
    </form>
  </xsl:template>

</xsl:stylesheet>
