<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: one action on many portal users (page "portal-bulk-action",
     GET /settings/client/portal-access/bulk-action?<the list's view>&id=..,
     POST same path): which action, and on whom (the ticked users, or every
     one the view holds). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Bulk Action</xsl:template>

  <xsl:template match="portal-bulk-action">
    <xsl:variable name="n" select="count(user)"/>
    <xsl:variable name="action">
      <xsl:call-template name="field-value"><xsl:with-param name="name" select="'action'"/></xsl:call-template>
    </xsl:variable>
    <xsl:variable name="scope">
      <xsl:call-template name="field-value">
        <xsl:with-param name="name" select="'scope'"/>
        <xsl:with-param name="model">
          <xsl:choose><xsl:when test="$n = 0">all</xsl:when><xsl:otherwise>selected</xsl:otherwise></xsl:choose>
        </xsl:with-param>
      </xsl:call-template>
    </xsl:variable>
    <div class="page-head">
      <p class="breadcrumb">Client › <a href="{@back}">Portal Access</a></p>
      <h1 id="bulk-title">Bulk action</h1>
      <p class="lead">The action runs in the background, one portal user at a time; you see its progress and what happened to each.</p>
    </div>

    <form class="card form" method="post" action="/settings/client/portal-access/bulk-action"
          aria-labelledby="bulk-title">
      <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
      <xsl:for-each select="keep">
        <input type="hidden" name="{@name}" value="{@value}"/>
      </xsl:for-each>
      <xsl:for-each select="user">
        <input type="hidden" name="id" value="{@id}"/>
      </xsl:for-each>

      <fieldset class="field">
        <legend>Action</legend>
        <xsl:call-template name="action-radio"><xsl:with-param name="v" select="'resend'"/><xsl:with-param name="now" select="$action"/><xsl:with-param name="label" select="'Resend the invitation (to users who have not set a password)'"/></xsl:call-template>
        <xsl:call-template name="action-radio"><xsl:with-param name="v" select="'revoke'"/><xsl:with-param name="now" select="$action"/><xsl:with-param name="label" select="'Revoke access'"/></xsl:call-template>
        <xsl:call-template name="action-radio"><xsl:with-param name="v" select="'restore'"/><xsl:with-param name="now" select="$action"/><xsl:with-param name="label" select="'Restore access'"/></xsl:call-template>
        <xsl:call-template name="action-radio"><xsl:with-param name="v" select="'group'"/><xsl:with-param name="now" select="$action"/><xsl:with-param name="label" select="'Change the permission group'"/></xsl:call-template>
        <xsl:call-template name="action-radio"><xsl:with-param name="v" select="'delete'"/><xsl:with-param name="now" select="$action"/><xsl:with-param name="label" select="'Delete'"/></xsl:call-template>
        <xsl:call-template name="field-error"><xsl:with-param name="name" select="'action'"/></xsl:call-template>
        <div class="field">
          <label for="group">New permission group (for Change group)</label>
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
      </fieldset>

      <fieldset class="field">
        <legend>Which portal users</legend>
        <label class="radio">
          <input type="radio" name="scope" value="selected">
            <xsl:if test="$n = 0"><xsl:attribute name="disabled">disabled</xsl:attribute></xsl:if>
            <xsl:if test="$scope = 'selected' and $n &gt; 0"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          </input>
          <xsl:choose>
            <xsl:when test="$n = 0">The ticked ones (none is ticked)</xsl:when>
            <xsl:when test="$n = 1">The ticked one</xsl:when>
            <xsl:otherwise><xsl:value-of select="concat('The ', $n, ' ticked')"/></xsl:otherwise>
          </xsl:choose>
        </label>
        <xsl:if test="user">
          <ul class="delete-list">
            <xsl:for-each select="user">
              <li><span class="delete-company"><xsl:value-of select="company"/></span><xsl:text> </xsl:text>
                <span class="delete-email"><xsl:value-of select="email"/></span></li>
            </xsl:for-each>
          </ul>
        </xsl:if>
        <label class="radio">
          <input type="radio" name="scope" value="all">
            <xsl:if test="$scope = 'all' or $n = 0"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          </input>
          <xsl:text>Every portal user this view of the list holds</xsl:text>
          <xsl:if test="@filter"><xsl:value-of select="concat(' (filter: ', @filter, ')')"/></xsl:if>
          <xsl:if test="@status"><xsl:value-of select="concat(' (status: ', @status, ')')"/></xsl:if>
          <xsl:if test="@invitation"><xsl:value-of select="concat(' (invitation: ', @invitation, ')')"/></xsl:if>
          <xsl:value-of select="concat(', at most ', @max)"/>
        </label>
        <xsl:call-template name="field-error"><xsl:with-param name="name" select="'scope'"/></xsl:call-template>
      </fieldset>

      <p class="note note-danger">Revoke signs the users out at once; Delete cannot be undone.</p>
      <div class="actions">
        <a class="btn" href="{@back}">Cancel</a>
        <button type="submit" class="btn btn-primary">Start</button>
      </div>
    </form>
  </xsl:template>

  <xsl:template name="action-radio">
    <xsl:param name="v"/>
    <xsl:param name="now"/>
    <xsl:param name="label"/>
    <label class="radio">
      <input type="radio" name="action" value="{$v}" required="required">
        <xsl:if test="$now = $v"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
      </input>
      <xsl:value-of select="$label"/>
    </label>
  </xsl:template>

</xsl:stylesheet>
