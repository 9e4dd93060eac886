<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the tenant's calendars or vehicles (page name "named-list",
     GET/POST /settings/calendars and /settings/vehicles). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:choose>
      <xsl:when test="named-list/@kind = 'vehicles'">Vehicles</xsl:when>
      <xsl:otherwise>Calendars</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="named-list">
    <xsl:variable name="path" select="concat('/settings/', @kind)"/>
    <xsl:variable name="editable" select="@editable = '1'"/>
    <div class="page-head">
      <p class="breadcrumb">Office</p>
      <h1>
        <xsl:choose>
          <xsl:when test="@kind = 'vehicles'">Vehicles</xsl:when>
          <xsl:otherwise>Calendars</xsl:otherwise>
        </xsl:choose>
      </h1>
      <p class="lead">
        <xsl:choose>
          <xsl:when test="@kind = 'vehicles'">The vehicles office users may see on the map.</xsl:when>
          <xsl:otherwise>The calendars office users schedule on; Scheduling needs at least one.</xsl:otherwise>
        </xsl:choose>
      </p>
    </div>
    <xsl:if test="not($editable)">
      <p class="note note-readonly">You have view-only access to settings.</p>
    </xsl:if>
    <div class="table-wrap">
      <table class="data-table">
        <thead><tr><th scope="col">Name</th><xsl:if test="$editable"><th scope="col"><span class="visually-hidden">Remove</span></th></xsl:if></tr></thead>
        <tbody>
          <xsl:for-each select="item">
            <tr>
              <td><xsl:value-of select="."/></td>
              <xsl:if test="$editable">
                <td class="num">
                  <form method="post" action="{$path}">
                    <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
                    <button type="submit" class="btn btn-small" name="delete" value="{@id}"
                            aria-label="Remove {.}">Remove</button>
                  </form>
                </td>
              </xsl:if>
            </tr>
          </xsl:for-each>
          <xsl:if test="not(item)">
            <tr class="list-empty"><td colspan="2">None yet.</td></tr>
          </xsl:if>
        </tbody>
      </table>
    </div>
    <xsl:if test="$editable">
      <form class="form inline-form" method="post" action="{$path}">
        <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
        <xsl:call-template name="text-field">
          <xsl:with-param name="name" select="'name'"/>
          <xsl:with-param name="label" select="'Name'"/>
          <xsl:with-param name="required" select="true()"/>
          <xsl:with-param name="maxlength" select="'100'"/>
        </xsl:call-template>
        <button type="submit" class="btn btn-primary">Add</button>
      </form>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
