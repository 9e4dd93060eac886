<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: add or edit a portal permission group (page
     "portal-group-edit", GET/POST /settings/client/portal-groups/edit). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Portal Permission Group</xsl:template>

  <xsl:template match="portal-group-edit">
    <xsl:variable name="g" select="group"/>
    <xsl:variable name="ro" select="@editable != '1'"/>
    <div class="page-head">
      <p class="breadcrumb">Client › <a href="/settings/client/portal-groups">Portal Permission Groups</a></p>
      <h1>
        <xsl:choose>
          <xsl:when test="$g/@id">Edit group</xsl:when>
          <xsl:otherwise>Add group</xsl:otherwise>
        </xsl:choose>
      </h1>
    </div>
    <xsl:call-template name="notices"/>
    <form class="form edit-form card" method="post" action="/settings/client/portal-groups/edit">
      <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
      <xsl:if test="$g/@id"><input type="hidden" name="id" value="{$g/@id}"/></xsl:if>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'name'"/>
        <xsl:with-param name="label" select="'Name'"/>
        <xsl:with-param name="model" select="$g/name"/>
        <xsl:with-param name="required" select="true()"/>
        <xsl:with-param name="editable" select="not($ro)"/>
      </xsl:call-template>
      <fieldset class="checks">
        <legend>Permissions</legend>
        <xsl:for-each select="$g/perm">
          <label class="check"><input type="checkbox" name="perm_{@key}" value="1">
            <xsl:if test="@on = '1'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
            <xsl:if test="$ro"><xsl:attribute name="disabled">disabled</xsl:attribute></xsl:if>
          </input> <xsl:value-of select="."/></label>
        </xsl:for-each>
      </fieldset>
      <xsl:if test="$g/@system != '1'">
      <fieldset class="checks">
        <legend>Records shown</legend>
        <label class="check"><input type="radio" name="visibility" value="all">
          <xsl:if test="$g/@visibility != 'own'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          <xsl:if test="$ro"><xsl:attribute name="disabled">disabled</xsl:attribute></xsl:if>
        </input> All the customer's records of the granted sites</label>
        <label class="check"><input type="radio" name="visibility" value="own">
          <xsl:if test="$g/@visibility = 'own'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          <xsl:if test="$ro"><xsl:attribute name="disabled">disabled</xsl:attribute></xsl:if>
        </input> Own records only: the jobs, estimates and invoices the user is the contact of</label>
        <p class="help">Documents and equipment belong to a site: they are shown as for all records.</p>
        <xsl:call-template name="field-error"><xsl:with-param name="name" select="'visibility'"/></xsl:call-template>
      </fieldset>
      </xsl:if>
      <fieldset class="checks">
        <legend>Group</legend>
        <xsl:if test="$g/@system != '1'">
          <label class="check"><input type="checkbox" name="default" value="1">
            <xsl:if test="$g/@default = '1'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
            <xsl:if test="$ro"><xsl:attribute name="disabled">disabled</xsl:attribute></xsl:if>
          </input> Default group: given to new portal users</label>
          <xsl:call-template name="field-error"><xsl:with-param name="name" select="'default'"/></xsl:call-template>
        </xsl:if>
        <label class="check"><input type="checkbox" name="require_mfa" value="1">
          <xsl:if test="$g/@require-mfa = '1'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          <xsl:if test="$ro"><xsl:attribute name="disabled">disabled</xsl:attribute></xsl:if>
        </input> Require two-step verification of its members</label>
      </fieldset>
      <xsl:if test="$g/@system = '1'">
        <p class="note">The system group "Non-Portal Users": what a customer's secure token link
          opens while the customer has no portal users. It cannot be deleted.</p>
      </xsl:if>
      <xsl:if test="not($ro)">
        <div class="actions">
          <button type="submit" class="btn btn-primary btn-save">Save</button>
          <xsl:if test="$g/@id and $g/@system != '1'">
            <button type="submit" class="btn btn-danger" name="delete" value="1" formnovalidate="formnovalidate">
              <xsl:if test="$g/@members &gt; 0"><xsl:attribute name="disabled">disabled</xsl:attribute></xsl:if>
              <xsl:text>Delete</xsl:text>
            </button>
            <xsl:if test="$g/@members &gt; 0">
              <p class="help">It has <xsl:value-of select="$g/@members"/> member(s): it can be deleted once they are in another group.</p>
            </xsl:if>
          </xsl:if>
        </div>
      </xsl:if>
    </form>
  </xsl:template>

</xsl:stylesheet>
