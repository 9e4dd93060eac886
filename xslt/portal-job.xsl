<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: a background job of Portal Access (page "portal-job",
     GET /settings/client/portal-access/job?id=N, POST op=run): an import's
     check and run, or a bulk action; its progress and its report. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:choose>
      <xsl:when test="portal-job/@kind = 'import'">Import</xsl:when>
      <xsl:otherwise>Bulk action</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="portal-job">
    <xsl:variable name="live" select="@state = 'queued' or @state = 'running'"/>
    <div class="page-head">
      <p class="breadcrumb">Client › <a href="/settings/client/portal-access">Portal Access</a>
        <xsl:if test="@kind = 'import'"> › <a href="/settings/client/portal-access/import">Import</a></xsl:if></p>
      <h1>
        <xsl:choose>
          <xsl:when test="@kind = 'import' and @phase = 'check'">Check of <xsl:value-of select="title"/></xsl:when>
          <xsl:when test="@kind = 'import'">Import of <xsl:value-of select="title"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="title"/></xsl:otherwise>
        </xsl:choose>
      </h1>
      <p class="lead">
        <xsl:text>Started by </xsl:text><xsl:value-of select="by"/><xsl:text> </xsl:text>
        <xsl:call-template name="datetime"><xsl:with-param name="value" select="@created"/></xsl:call-template>.
      </p>
    </div>

    <section class="card job-progress" aria-live="polite">
      <p class="job-state" id="job-state">
        <xsl:choose>
          <xsl:when test="@state = 'queued'">Waiting to start.</xsl:when>
          <xsl:when test="@state = 'running'">
            <xsl:value-of select="concat('Working: ', @done, ' of ', @total, ' done (', @percent, '%). This page refreshes by itself; you can leave it and come back.')"/>
          </xsl:when>
          <xsl:when test="@state = 'failed'">Stopped: <xsl:value-of select="error"/></xsl:when>
          <xsl:when test="@kind = 'import' and @phase = 'check'">
            <xsl:value-of select="concat('Checked: ', @total, ' lines. Nothing has been changed yet.')"/>
          </xsl:when>
          <xsl:otherwise>
            <xsl:value-of select="concat('Done: ', @done, ' of ', @total, '.')"/>
          </xsl:otherwise>
        </xsl:choose>
      </p>
      <progress max="{@total}" value="{@done}" aria-labelledby="job-state"></progress>
      <ul class="job-counts">
        <xsl:for-each select="count">
          <li class="job-count job-{@outcome}">
            <a href="/settings/client/portal-access/job?id={../@id}&amp;show={@outcome}">
              <xsl:value-of select="@n"/>
              <xsl:text> </xsl:text>
              <xsl:choose>
                <xsl:when test="@outcome = 'create' and ../@phase = 'check'">to add</xsl:when>
                <xsl:when test="@outcome = 'create'">added</xsl:when>
                <xsl:when test="@outcome = 'update' and ../@phase = 'check'">to update</xsl:when>
                <xsl:when test="@outcome = 'update'">updated</xsl:when>
                <xsl:when test="@outcome = 'skip'">unchanged</xsl:when>
                <xsl:when test="@outcome = 'error'">with errors</xsl:when>
                <xsl:otherwise>done</xsl:otherwise>
              </xsl:choose>
            </a>
          </li>
        </xsl:for-each>
      </ul>
      <xsl:if test="@can-run">
        <form method="post" action="/settings/client/portal-access/job" class="inline-form">
          <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
          <input type="hidden" name="id" value="{@id}"/>
          <input type="hidden" name="op" value="run"/>
          <button type="submit" class="btn btn-primary">
            <xsl:value-of select="concat('Import ', @can-run, ' portal users')"/>
          </button>
          <xsl:if test="count[@outcome = 'error']">
            <span class="help"> Lines with errors are left out: fix them and import the file again.</span>
          </xsl:if>
        </form>
      </xsl:if>
      <xsl:if test="not($live)">
        <p><a href="/settings/client/portal-access/job/report?id={@id}">Download the report (CSV)</a></p>
      </xsl:if>
    </section>

    <section class="card">
      <h2>
        <xsl:choose>
          <xsl:when test="@show">Report: <xsl:value-of select="@show"/> only (<a href="/settings/client/portal-access/job?id={@id}">all</a>)</xsl:when>
          <xsl:otherwise>Report</xsl:otherwise>
        </xsl:choose>
      </h2>
      <div class="table-wrap">
        <table class="data-table job-report">
          <thead>
            <tr>
              <th scope="col"><xsl:choose><xsl:when test="@kind = 'import'">Line</xsl:when><xsl:otherwise>#</xsl:otherwise></xsl:choose></th>
              <th scope="col">Email</th><th scope="col">Outcome</th><th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="item">
              <tr class="job-{@outcome}">
                <td><xsl:value-of select="@n"/></td>
                <td><xsl:value-of select="subject"/></td>
                <td><xsl:value-of select="@outcome"/></td>
                <td><xsl:value-of select="message"/></td>
              </tr>
            </xsl:for-each>
            <xsl:if test="not(item)">
              <tr><td colspan="4" class="muted">Nothing yet.</td></tr>
            </xsl:if>
          </tbody>
        </table>
      </div>
      <xsl:if test="@more-after">
        <xsl:variable name="show">
          <xsl:if test="@show"><xsl:value-of select="concat('&amp;show=', @show)"/></xsl:if>
        </xsl:variable>
        <p><a href="/settings/client/portal-access/job?id={@id}&amp;after={@more-after}{$show}">Next 200 lines</a></p>
      </xsl:if>
    </section>
  </xsl:template>

</xsl:stylesheet>
