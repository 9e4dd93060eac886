<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the inbox (page "inbox", GET/POST /settings/inbox): what
     clients did in the portal, newest first.  The view (state, kind) is a
     GET form; the pager's links carry it (@query) and a cursor (@older,
     @newer).  With Edit, one POST form holds the table: each item's own
     "Mark handled" button (name "one") or the ticked items ("item"). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Inbox</xsl:template>

  <xsl:template match="inbox">
    <xsl:variable name="q" select="string(@query)"/>
    <xsl:variable name="amp">
      <xsl:if test="$q != ''">&amp;</xsl:if>
    </xsl:variable>
    <xsl:variable name="edit" select="@editable = '1' and @state != 'handled'"/>
    <xsl:variable name="cols">
      <xsl:choose>
        <xsl:when test="$edit">6</xsl:when>
        <xsl:otherwise>5</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <div class="page-head">
      <p class="breadcrumb">Client</p>
      <h1>Inbox</h1>
      <p class="lead">What clients did in the portal: service requests, invoices
        marked paid and estimates approved. Newest first; times in your zone.</p>
    </div>
    <form class="card form inbox-filter" method="get" action="/settings/inbox" role="search">
      <div class="field-row">
        <div class="field">
          <label for="state">Show</label>
          <select id="state" name="state">
            <option value="open">
              <xsl:if test="@state = 'open'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
              <xsl:text>Open</xsl:text>
            </option>
            <option value="handled">
              <xsl:if test="@state = 'handled'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
              <xsl:text>Handled</xsl:text>
            </option>
            <option value="all">
              <xsl:if test="@state = 'all'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
              <xsl:text>All</xsl:text>
            </option>
          </select>
        </div>
        <div class="field">
          <label for="kind">Kind</label>
          <select id="kind" name="kind">
            <option value="">Any</option>
            <xsl:for-each select="kinds/kind">
              <option value="{@name}">
                <xsl:if test="@name = ../../@kind">
                  <xsl:attribute name="selected">selected</xsl:attribute>
                </xsl:if>
                <xsl:value-of select="."/>
              </option>
            </xsl:for-each>
          </select>
        </div>
      </div>
      <div class="actions">
        <button type="submit" class="btn btn-primary">Show</button>
      </div>
    </form>
    <form method="post" action="/settings/inbox" class="inbox-form">
      <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
      <input type="hidden" name="state" value="{@state}"/>
      <xsl:if test="@kind">
        <input type="hidden" name="kind" value="{@kind}"/>
      </xsl:if>
      <div class="table-wrap">
        <table class="data-table inbox-table">
          <thead>
            <tr>
              <xsl:if test="$edit"><th scope="col"><span class="visually-hidden">Select</span></th></xsl:if>
              <th scope="col">When</th>
              <th scope="col">Client</th>
              <th scope="col">What</th>
              <th scope="col">Record</th>
              <th scope="col">
                <xsl:choose>
                  <xsl:when test="$edit">Action</xsl:when>
                  <xsl:otherwise>Handled</xsl:otherwise>
                </xsl:choose>
              </th>
            </tr>
          </thead>
          <tbody>
            <xsl:apply-templates select="items/item">
              <xsl:with-param name="edit" select="$edit"/>
            </xsl:apply-templates>
            <xsl:if test="not(items/item)">
              <tr class="list-empty">
                <td colspan="{$cols}">
                  <xsl:choose>
                    <xsl:when test="@state = 'open'">Nothing open: clients' requests and payments show up here.</xsl:when>
                    <xsl:otherwise>No items match.</xsl:otherwise>
                  </xsl:choose>
                </td>
              </tr>
            </xsl:if>
          </tbody>
        </table>
      </div>
      <xsl:if test="$edit and items/item">
        <div class="actions">
          <button type="submit" class="btn">Mark ticked handled</button>
        </div>
      </xsl:if>
    </form>
    <div class="list-footer">
      <nav class="pager" aria-label="Pages">
        <span class="pager-range">
          <xsl:choose>
            <xsl:when test="@count-exact = '0'">More than 1,000 items</xsl:when>
            <xsl:when test="@count = 1">1 item</xsl:when>
            <xsl:otherwise><xsl:value-of select="format-number(@count, '#,##0')"/> items</xsl:otherwise>
          </xsl:choose>
        </span>
        <xsl:call-template name="gh-pager-link">
          <xsl:with-param name="href" select="concat('/settings/inbox?', $q, $amp, 'per=', @per)"/>
          <xsl:with-param name="rel" select="'first'"/>
          <xsl:with-param name="enabled" select="boolean(@newer)"/>
          <xsl:with-param name="icon" select="'&#171;'"/>
          <xsl:with-param name="text" select="'Newest items'"/>
        </xsl:call-template>
        <xsl:call-template name="gh-pager-link">
          <xsl:with-param name="href" select="concat('/settings/inbox?', $q, $amp, 'per=', @per, '&amp;newer=', @newer)"/>
          <xsl:with-param name="rel" select="'prev'"/>
          <xsl:with-param name="enabled" select="boolean(@newer)"/>
          <xsl:with-param name="icon" select="'&#8249;'"/>
          <xsl:with-param name="text" select="'Newer items'"/>
        </xsl:call-template>
        <xsl:call-template name="gh-pager-link">
          <xsl:with-param name="href" select="concat('/settings/inbox?', $q, $amp, 'per=', @per, '&amp;older=', @older)"/>
          <xsl:with-param name="rel" select="'next'"/>
          <xsl:with-param name="enabled" select="boolean(@older)"/>
          <xsl:with-param name="icon" select="'&#8250;'"/>
          <xsl:with-param name="text" select="'Older items'"/>
        </xsl:call-template>
      </nav>
    </div>
  </xsl:template>

  <xsl:template match="item">
    <xsl:param name="edit"/>
    <tr id="item-{@id}">
      <xsl:if test="$edit">
        <td>
          <xsl:if test="not(@handled = '1')">
            <input type="checkbox" name="item" value="{@id}" aria-label="Select {ref}"/>
          </xsl:if>
        </td>
      </xsl:if>
      <td class="nowrap">
        <xsl:call-template name="datetime"><xsl:with-param name="value" select="@when"/></xsl:call-template>
      </td>
      <td>
        <a href="/settings/customers/edit?id={@customer-id}"><xsl:value-of select="customer"/></a>
        <br/>
        <xsl:choose>
          <xsl:when test="@portal-user-id">
            <a class="muted" href="/settings/client/portal-access/edit?id={@portal-user-id}"><xsl:value-of select="email"/></a>
          </xsl:when>
          <xsl:otherwise><span class="muted"><xsl:value-of select="email"/></span></xsl:otherwise>
        </xsl:choose>
      </td>
      <td>
        <xsl:choose>
          <xsl:when test="@kind = 'job_request'">Service request</xsl:when>
          <xsl:when test="@kind = 'invoice_pay'">Invoice marked paid (payment pending)</xsl:when>
          <xsl:when test="@kind = 'estimate_approve'">Estimate approved</xsl:when>
          <xsl:otherwise><xsl:value-of select="@kind"/></xsl:otherwise>
        </xsl:choose>
      </td>
      <td>
        <xsl:choose>
          <xsl:when test="string(ref) = ''"><span class="muted">The record is gone.</span></xsl:when>
          <xsl:otherwise>
            <a class="inbox-record" href="{@href}"><xsl:value-of select="ref"/></a>
            <xsl:text> </xsl:text>
            <xsl:value-of select="title"/>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:if test="string(status) != ''">
          <br/><span class="muted">Now: <xsl:value-of select="translate(status, '_', ' ')"/></span>
        </xsl:if>
      </td>
      <td>
        <xsl:choose>
          <xsl:when test="@handled = '1'">
            <span class="badge">Handled</span>
            <xsl:text> </xsl:text>
            <xsl:call-template name="datetime"><xsl:with-param name="value" select="@handled-at"/></xsl:call-template>
            <xsl:if test="handled-by">
              <br/><span class="muted">by <xsl:value-of select="handled-by"/></span>
            </xsl:if>
          </xsl:when>
          <xsl:when test="$edit">
            <button type="submit" class="btn btn-small" name="one" value="{@id}">Mark handled</button>
          </xsl:when>
          <xsl:otherwise><span class="muted">Open</span></xsl:otherwise>
        </xsl:choose>
      </td>
    </tr>
  </xsl:template>

</xsl:stylesheet>
