<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: import portal users from a CSV file (page "portal-import",
     GET/POST /settings/client/portal-access/import, multipart upload). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Import Portal Users</xsl:template>

  <xsl:template match="portal-import">
    <div class="page-head">
      <p class="breadcrumb">Client › <a href="/settings/client/portal-access">Portal Access</a></p>
      <h1>Import portal users</h1>
      <p class="lead">Add or update many portal users from a spreadsheet. The file is checked
        first: you see what each line would do before anything changes.</p>
    </div>

    <form class="card form" method="post" action="/settings/client/portal-access/import"
          enctype="multipart/form-data">
      <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
      <div class="field">
        <label for="file">CSV file</label>
        <input type="file" id="file" name="file" accept=".csv,.txt,text/csv" required="required">
          <xsl:call-template name="field-aria">
            <xsl:with-param name="name" select="'file'"/>
            <xsl:with-param name="help-id" select="'file-help'"/>
          </xsl:call-template>
        </input>
        <xsl:call-template name="field-error">
          <xsl:with-param name="name" select="'file'"/>
        </xsl:call-template>
        <p class="help" id="file-help">
          <xsl:value-of select="concat('UTF-8 text (Excel: &quot;CSV UTF-8&quot;), separated by commas, semicolons or tabs; at most ', @max-rows, ' portal users and ', floor(@max-bytes div 1024), ' KiB.')"/>
        </p>
      </div>
      <div class="actions">
        <a class="btn" href="/settings/client/portal-access">Cancel</a>
        <button type="submit" class="btn btn-primary">Check file</button>
      </div>
    </form>

    <section class="card">
      <h2>Columns</h2>
      <p>The first line names the columns, in any order:</p>
      <ul>
        <li><strong>email</strong> (required): the portal user's login.</li>
        <li><strong>company</strong> (a customer's exact name) or <strong>customer</strong> (its number).</li>
        <li><strong>first name</strong> and <strong>last name</strong>, or <strong>name</strong>: the customer's contact for this user.</li>
        <li><strong>group</strong>: a permission group's name; empty gives a new user the default group.</li>
        <li><strong>sites</strong>: the customer's site names separated by <code>|</code>, or <code>all</code>; empty gives a new user all sites.</li>
      </ul>
      <p>An email that has portal access already updates that user (its group, sites and name) when the customer is the same.
        <xsl:choose>
          <xsl:when test="@portal-enabled = '1'"> New users are invited at once.</xsl:when>
          <xsl:otherwise> New users are not invited while the Client Portal is off.</xsl:otherwise>
        </xsl:choose>
      </p>
    </section>

    <xsl:if test="job">
      <section class="card">
        <h2>Recent imports</h2>
        <div class="table-wrap">
          <table class="data-table">
            <thead>
              <tr><th scope="col">File</th><th scope="col">Started</th><th scope="col">By</th><th scope="col">State</th></tr>
            </thead>
            <tbody>
              <xsl:for-each select="job">
                <tr>
                  <td><a href="/settings/client/portal-access/job?id={@id}"><xsl:value-of select="title"/></a></td>
                  <td><xsl:call-template name="datetime"><xsl:with-param name="value" select="@created"/></xsl:call-template></td>
                  <td><xsl:value-of select="by"/></td>
                  <td>
                    <xsl:apply-templates select="." mode="job-state"/>
                  </td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </section>
    </xsl:if>
  </xsl:template>

  <xsl:template match="job" mode="job-state">
    <xsl:choose>
      <xsl:when test="@phase = 'check' and @state = 'done'">Checked, not imported</xsl:when>
      <xsl:when test="@phase = 'check'">Checking</xsl:when>
      <xsl:when test="@state = 'done'">Imported</xsl:when>
      <xsl:when test="@state = 'failed'">Failed</xsl:when>
      <xsl:otherwise>Importing</xsl:otherwise>
    </xsl:choose>
    <xsl:value-of select="concat(' (', @done, ' of ', @total, ')')"/>
  </xsl:template>

</xsl:stylesheet>
