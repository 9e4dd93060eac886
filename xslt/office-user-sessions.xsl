<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: where an office user is signed in (page
     "office-user-sessions", GET/POST /settings/office-users/sessions?id=N,
     Super Admins): sign one session out, or all of them. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Sessions</xsl:template>

  <xsl:template match="office-user-sessions">
    <xsl:variable name="u" select="user"/>
    <div class="page-head">
      <p class="breadcrumb">Office › <a href="/settings/office-users">Office Users</a> ›
        <a href="/settings/office-users/edit?id={$u/@id}"><xsl:value-of select="$u/email"/></a></p>
      <h1>Sessions</h1>
      <p class="lead">Where <xsl:value-of select="$u/email"/> is signed in.</p>
    </div>
    <section class="card">
      <xsl:apply-templates select="sessions" mode="office-sessions">
        <xsl:with-param name="action" select="'/settings/office-users/sessions'"/>
        <xsl:with-param name="id" select="$u/@id"/>
      </xsl:apply-templates>
      <xsl:if test="sessions/session[not(@current)]">
        <form method="post" action="/settings/office-users/sessions">
          <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
          <input type="hidden" name="op" value="all"/>
          <input type="hidden" name="id" value="{$u/@id}"/>
          <button type="submit" class="btn btn-danger">
            <xsl:choose>
              <xsl:when test="$u/@self = '1'">Sign out your other sessions</xsl:when>
              <xsl:otherwise>Sign out everywhere</xsl:otherwise>
            </xsl:choose>
          </button>
        </form>
      </xsl:if>
    </section>
  </xsl:template>

</xsl:stylesheet>
