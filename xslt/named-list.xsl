<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the tenant's calendars or vehicles (page name "named-list",
     GET/POST /settings/calendars and /settings/vehicles).  Removing asks
     first (@confirm): a page of its own, no JavaScript needed. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:choose>
      <xsl:when test="named-list/@kind = 'vehicles'">Vehicles</xsl:when>
      <xsl:otherwise>Calendars</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "calendar" / "calendars", "vehicle" / "vehicles" for n. -->
  <xsl:template name="nl-noun">
    <xsl:param name="n"/>
    <xsl:choose>
      <xsl:when test="@kind = 'vehicles'">vehicle</xsl:when>
      <xsl:otherwise>calendar</xsl:otherwise>
    </xsl:choose>
    <xsl:if test="$n != 1">s</xsl:if>
  </xsl:template>

  <xsl:template match="named-list[@confirm]">
    <xsl:variable name="path" select="concat('/settings/', @kind)"/>
    <xsl:variable name="noun">
      <xsl:call-template name="nl-noun"><xsl:with-param name="n" select="@confirm"/></xsl:call-template>
    </xsl:variable>
    <div class="page-head">
      <p class="breadcrumb">Office › <a href="{$path}">
        <xsl:choose>
          <xsl:when test="@kind = 'vehicles'">Vehicles</xsl:when>
          <xsl:otherwise>Calendars</xsl:otherwise>
        </xsl:choose>
      </a></p>
      <h1 id="confirm-title">
        <xsl:choose>
          <xsl:when test="@confirm = 0">Nothing to remove</xsl:when>
          <xsl:otherwise><xsl:value-of select="concat('Remove ', @confirm, ' ', $noun, '?')"/></xsl:otherwise>
        </xsl:choose>
      </h1>
    </div>
    <xsl:choose>
      <xsl:when test="@confirm = 0">
        <p>The entries ticked are gone already. <a href="{$path}">Back to the list</a></p>
      </xsl:when>
      <xsl:otherwise>
        <form class="card form confirm-delete" method="post" action="{$path}"
              aria-labelledby="confirm-title">
          <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
          <input type="hidden" name="confirm" value="1"/>
          <ul class="delete-list">
            <xsl:for-each select="item[@remove = '1']">
              <li>
                <input type="hidden" name="delete" value="{@id}"/>
                <span class="delete-company"><xsl:value-of select="."/></span>
              </li>
            </xsl:for-each>
          </ul>
          <p class="note note-danger">
            <xsl:choose>
              <xsl:when test="@kind = 'vehicles'">Office users who may see only chosen vehicles
                stop seeing these on the map.</xsl:when>
              <xsl:otherwise>Office users who work with these calendars lose them.</xsl:otherwise>
            </xsl:choose>
          </p>
          <div class="actions">
            <button type="submit" class="btn btn-danger">Remove</button>
            <a class="btn btn-link" href="{$path}">Cancel</a>
          </div>
        </form>
      </xsl:otherwise>
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
          <xsl:otherwise>The calendars office users schedule on; Scheduling at Edit needs at least one.</xsl:otherwise>
        </xsl:choose>
      </p>
    </div>
    <xsl:if test="not($editable)">
      <p class="note note-readonly">You have view-only access to settings.</p>
    </xsl:if>
    <xsl:if test="$editable and item">
      <div class="list-toolbar">
        <button type="submit" form="named-list-form" class="btn btn-danger"
                data-needs-selection="remove">Remove selected</button>
      </div>
    </xsl:if>
    <!-- Ticked entries go to the confirmation (a GET of this page). -->
    <form id="named-list-form" class="list-form" method="get" action="{$path}">
      <div class="table-wrap">
        <table class="data-table">
          <thead>
            <tr>
              <xsl:if test="$editable"><th scope="col" class="col-select"><span class="visually-hidden">Select</span></th></xsl:if>
              <th scope="col">Name</th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="item">
              <tr>
                <xsl:if test="$editable">
                  <td class="col-select">
                    <input type="checkbox" name="remove" value="{@id}" aria-label="Select {.}"/>
                  </td>
                </xsl:if>
                <td><xsl:value-of select="."/></td>
              </tr>
            </xsl:for-each>
            <xsl:if test="not(item)">
              <tr class="list-empty"><td colspan="2">None yet.</td></tr>
            </xsl:if>
          </tbody>
        </table>
      </div>
    </form>
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
