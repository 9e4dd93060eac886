<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the client portal's record sections, Invoices, Estimates,
     Jobs / Schedule, Documents and Equipment (page "portal-records",
     GET/POST /portal/<slug>/<section>[?id=N]).  One table per section with
     the columns that section needs; ?id=N shows one record with its action
     (Pay, Approve) when the user's group grants it. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="portal-layout.xsl"/>

  <xsl:variable name="slug" select="/page/portal/@slug"/>

  <xsl:template name="section-title">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="$s = 'invoices'">Invoices</xsl:when>
      <xsl:when test="$s = 'estimates'">Estimates</xsl:when>
      <xsl:when test="$s = 'jobs'">Jobs / Schedule</xsl:when>
      <xsl:when test="$s = 'documents'">Documents</xsl:when>
      <xsl:otherwise>Equipment</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="rec-status">
    <xsl:param name="status"/>
    <span class="badge status-{$status}">
      <xsl:choose>
        <xsl:when test="$status = 'open'">Open</xsl:when>
        <xsl:when test="$status = 'payment_pending'">Payment submitted</xsl:when>
        <xsl:when test="$status = 'paid'">Paid</xsl:when>
        <xsl:when test="$status = 'sent'">Awaiting approval</xsl:when>
        <xsl:when test="$status = 'approved'">Approved</xsl:when>
        <xsl:when test="$status = 'declined'">Declined</xsl:when>
        <xsl:when test="$status = 'requested'">Requested</xsl:when>
        <xsl:when test="$status = 'scheduled'">Scheduled</xsl:when>
        <xsl:when test="$status = 'completed'">Completed</xsl:when>
        <xsl:otherwise><xsl:value-of select="$status"/></xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <xsl:template name="money">
    <xsl:param name="v"/>
    <xsl:value-of select="format-number($v, '$#,##0.00')"/>
  </xsl:template>

  <xsl:template name="site-cell">
    <xsl:choose>
      <xsl:when test="normalize-space(site) != ''"><xsl:value-of select="site"/></xsl:when>
      <xsl:otherwise><span class="muted">All sites</span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The action on one record, when the group grants it and the record
       is in the state the action starts from. -->
  <xsl:template name="rec-action">
    <xsl:param name="p"/>
    <xsl:variable name="can"
        select="($p/@action = 'pay' and @status = 'open') or ($p/@action = 'approve' and @status = 'sent')"/>
    <xsl:if test="$can">
      <form method="post" action="{$p/@href}" class="inline">
        <input type="hidden" name="csrf" value="{$p/@csrf}"/>
        <input type="hidden" name="id" value="{@id}"/>
        <button type="submit" class="btn btn-primary btn-small" name="action" value="{$p/@action}">
          <xsl:choose>
            <xsl:when test="$p/@action = 'pay'">Pay <xsl:call-template name="money"><xsl:with-param name="v" select="@amount"/></xsl:call-template></xsl:when>
            <xsl:otherwise>Approve</xsl:otherwise>
          </xsl:choose>
        </button>
      </form>
    </xsl:if>
  </xsl:template>

  <xsl:template match="portal-records">
    <xsl:variable name="p" select="."/>
    <xsl:variable name="title">
      <xsl:call-template name="section-title"><xsl:with-param name="s" select="@section"/></xsl:call-template>
    </xsl:variable>
    <div class="page-head">
      <p class="breadcrumb">
        <a href="/portal/{$slug}/home">Home</a>
        <xsl:if test="@one"> › <a href="{@href}"><xsl:value-of select="$title"/></a></xsl:if>
      </p>
      <h1>
        <xsl:choose>
          <xsl:when test="@one"><xsl:value-of select="record/title"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$title"/></xsl:otherwise>
        </xsl:choose>
      </h1>
    </div>
    <xsl:choose>
      <xsl:when test="@one">
        <xsl:apply-templates select="record" mode="one"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="." mode="table"/>
        <xsl:apply-templates select="request"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="portal-records" mode="table">
    <xsl:variable name="p" select="."/>
    <xsl:variable name="s" select="@section"/>
    <div class="table-wrap">
      <table class="data-table stack records-{$s}">
        <thead>
          <tr>
            <xsl:choose>
              <xsl:when test="$s = 'documents'">
                <th scope="col">Document</th><th scope="col">Date</th><th scope="col">Site</th>
              </xsl:when>
              <xsl:when test="$s = 'equipment'">
                <th scope="col">Equipment</th><th scope="col">Serial</th><th scope="col">Site</th><th scope="col">Installed</th>
              </xsl:when>
              <xsl:when test="$s = 'jobs'">
                <th scope="col">Job</th><th scope="col">Date</th><th scope="col">Site</th><th scope="col">Work</th><th scope="col">Status</th>
              </xsl:when>
              <xsl:otherwise>
                <th scope="col">Number</th><th scope="col">Date</th><th scope="col">Site</th><th scope="col">For</th>
                <th scope="col" class="num">Amount</th><th scope="col">Status</th>
                <xsl:if test="@action"><th scope="col"><span class="visually-hidden">Action</span></th></xsl:if>
              </xsl:otherwise>
            </xsl:choose>
          </tr>
        </thead>
        <tbody>
          <!-- data-label: the column's name, shown beside each value when a
               narrow screen stacks the rows as cards (app.css). -->
          <xsl:for-each select="record">
            <tr>
              <xsl:choose>
                <xsl:when test="$s = 'documents' or $s = 'equipment'">
                  <td data-label="Document" class="cell-key">
                    <xsl:if test="$s = 'equipment'"><xsl:attribute name="data-label">Equipment</xsl:attribute></xsl:if>
                    <a href="{$p/@href}?id={@id}"><xsl:value-of select="title"/></a>
                  </td>
                  <xsl:if test="$s = 'equipment'"><td data-label="Serial"><xsl:value-of select="ref"/></td></xsl:if>
                  <xsl:if test="$s = 'documents'"><td data-label="Date"><xsl:value-of select="@date"/></td></xsl:if>
                  <td data-label="Site"><xsl:call-template name="site-cell"/></td>
                  <xsl:if test="$s = 'equipment'"><td data-label="Installed"><xsl:value-of select="@date"/></td></xsl:if>
                </xsl:when>
                <xsl:when test="$s = 'jobs'">
                  <td data-label="Job" class="cell-key"><a href="{$p/@href}?id={@id}"><xsl:value-of select="ref"/></a></td>
                  <td data-label="Date"><xsl:value-of select="@date"/></td>
                  <td data-label="Site"><xsl:call-template name="site-cell"/></td>
                  <td data-label="Work"><xsl:value-of select="title"/></td>
                  <td data-label="Status"><xsl:call-template name="rec-status"><xsl:with-param name="status" select="@status"/></xsl:call-template></td>
                </xsl:when>
                <xsl:otherwise>
                  <td data-label="Number" class="cell-key"><a href="{$p/@href}?id={@id}"><xsl:value-of select="ref"/></a></td>
                  <td data-label="Date"><xsl:value-of select="@date"/></td>
                  <td data-label="Site"><xsl:call-template name="site-cell"/></td>
                  <td data-label="For"><xsl:value-of select="title"/></td>
                  <td data-label="Amount" class="num"><xsl:call-template name="money"><xsl:with-param name="v" select="@amount"/></xsl:call-template></td>
                  <td data-label="Status"><xsl:call-template name="rec-status"><xsl:with-param name="status" select="@status"/></xsl:call-template></td>
                  <xsl:if test="$p/@action"><td data-label="" class="cell-action"><xsl:call-template name="rec-action"><xsl:with-param name="p" select="$p"/></xsl:call-template></td></xsl:if>
                </xsl:otherwise>
              </xsl:choose>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>
    <xsl:if test="not(record)"><p class="note">Nothing here yet.</p></xsl:if>
  </xsl:template>

  <xsl:template match="record" mode="one">
    <xsl:variable name="p" select=".."/>
    <section class="card">
      <dl class="facts">
        <xsl:if test="$p/@section != 'documents'">
          <dt><xsl:choose><xsl:when test="$p/@section = 'equipment'">Serial</xsl:when><xsl:otherwise>Number</xsl:otherwise></xsl:choose></dt>
          <dd><xsl:value-of select="ref"/></dd>
        </xsl:if>
        <dt><xsl:choose><xsl:when test="$p/@section = 'equipment'">Installed</xsl:when><xsl:otherwise>Date</xsl:otherwise></xsl:choose></dt>
        <dd><xsl:value-of select="@date"/></dd>
        <dt>Site</dt>
        <dd><xsl:call-template name="site-cell"/></dd>
        <xsl:if test="@amount">
          <dt>Amount</dt>
          <dd><xsl:call-template name="money"><xsl:with-param name="v" select="@amount"/></xsl:call-template></dd>
        </xsl:if>
        <xsl:if test="@status">
          <dt>Status</dt>
          <dd><xsl:call-template name="rec-status"><xsl:with-param name="status" select="@status"/></xsl:call-template></dd>
        </xsl:if>
      </dl>
      <xsl:if test="detail"><p class="record-detail"><xsl:value-of select="detail"/></p></xsl:if>
      <xsl:if test="@status = 'payment_pending'">
        <p class="help">Your payment has been submitted; the office confirms it when it arrives.</p>
      </xsl:if>
      <xsl:call-template name="rec-action"><xsl:with-param name="p" select="$p"/></xsl:call-template>
    </section>
  </xsl:template>

  <!-- Jobs: ask for a visit. -->
  <xsl:template match="request">
    <section class="card">
      <h2>Request service</h2>
      <form class="form" method="post" action="{../@href}">
        <input type="hidden" name="csrf" value="{../@csrf}"/>
        <input type="hidden" name="action" value="request"/>
        <xsl:variable name="chosen">
          <xsl:call-template name="field-value"><xsl:with-param name="name" select="'site'"/></xsl:call-template>
        </xsl:variable>
        <div class="field">
          <label for="site">Site</label>
          <select id="site" name="site">
            <xsl:call-template name="field-aria"><xsl:with-param name="name" select="'site'"/></xsl:call-template>
            <xsl:if test="@site-required = '1'"><xsl:attribute name="required">required</xsl:attribute></xsl:if>
            <option value="">
              <xsl:choose>
                <xsl:when test="@site-required = '1'">Choose a site</xsl:when>
                <xsl:otherwise>All sites / not site-specific</xsl:otherwise>
              </xsl:choose>
            </option>
            <xsl:for-each select="site">
              <option value="{@id}">
                <xsl:if test="string(@id) = string($chosen)"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                <xsl:if test="@parent">— </xsl:if>
                <xsl:value-of select="."/>
              </option>
            </xsl:for-each>
          </select>
          <xsl:call-template name="field-error"><xsl:with-param name="name" select="'site'"/></xsl:call-template>
        </div>
        <xsl:call-template name="text-field">
          <xsl:with-param name="name" select="'date'"/>
          <xsl:with-param name="label" select="'Preferred date'"/>
          <xsl:with-param name="type" select="'date'"/>
          <xsl:with-param name="required" select="true()"/>
        </xsl:call-template>
        <xsl:call-template name="text-field">
          <xsl:with-param name="name" select="'description'"/>
          <xsl:with-param name="label" select="'What needs doing'"/>
          <xsl:with-param name="required" select="true()"/>
          <xsl:with-param name="maxlength" select="'500'"/>
        </xsl:call-template>
        <button type="submit" class="btn btn-primary">Request service</button>
      </form>
    </section>
  </xsl:template>

</xsl:stylesheet>
