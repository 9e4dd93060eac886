<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: webhook endpoints (page "webhooks", GET/POST /settings/webhooks,
     Super Admins).  A new endpoint's signing secret is shown once (<created>);
     deleting asks first (@confirm); ?log=ID adds an endpoint's deliveries. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Webhooks</xsl:template>

  <xsl:template match="webhooks[@confirm]">
    <div class="page-head">
      <p class="breadcrumb">Integrations › <a href="/settings/webhooks">Webhooks</a></p>
      <h1 id="confirm-title">
        <xsl:choose>
          <xsl:when test="@confirm = 0">Nothing to delete</xsl:when>
          <xsl:otherwise>Delete this endpoint?</xsl:otherwise>
        </xsl:choose>
      </h1>
    </div>
    <xsl:choose>
      <xsl:when test="@confirm = 0">
        <p>That endpoint is gone already, or is not one of yours.
          <a href="/settings/webhooks">Back to the webhooks</a></p>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="e" select="endpoint[@delete = '1']"/>
        <form class="card form confirm-delete" method="post" action="/settings/webhooks"
              aria-labelledby="confirm-title">
          <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
          <input type="hidden" name="op" value="delete"/>
          <input type="hidden" name="id" value="{$e/@id}"/>
          <input type="hidden" name="confirm" value="1"/>
          <p><code><xsl:value-of select="$e/url"/></code></p>
          <p class="note note-danger">Its waiting events and its delivery log go with it.
            This cannot be undone.</p>
          <div class="actions">
            <button type="submit" class="btn btn-danger">Delete</button>
            <a class="btn btn-link" href="/settings/webhooks">Cancel</a>
          </div>
        </form>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="webhooks">
    <div class="page-head">
      <p class="breadcrumb">Integrations</p>
      <h1>Webhooks</h1>
      <p class="lead">Gatehouse POSTs each change of this company's portal users,
        customers, groups, office users and records to your endpoints as XML,
        signed with the endpoint's secret (Standard Webhooks: the webhook-id,
        webhook-timestamp and webhook-signature headers).</p>
    </div>
    <xsl:if test="created">
      <div class="card created-key" role="status">
        <h2>The endpoint's signing secret</h2>
        <p>Copy it into the receiving system now: it is shown only this once.</p>
        <p><code class="secret" id="new-secret"><xsl:value-of select="created"/></code></p>
      </div>
    </xsl:if>
    <div class="table-wrap">
      <table class="data-table">
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            <th scope="col">Events</th>
            <th scope="col">Status</th>
            <th scope="col">Waiting</th>
            <th scope="col">Created</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="endpoint">
            <tr>
              <td><code><xsl:value-of select="url"/></code></td>
              <td><xsl:value-of select="translate(events, ',_', '  ')"/></td>
              <td>
                <xsl:choose>
                  <xsl:when test="@enabled = '0'">
                    <span class="status status-revoked">disabled</span>
                    <xsl:if test="disabled-reason"><span class="muted"> (<xsl:value-of select="disabled-reason"/>)</span></xsl:if>
                  </xsl:when>
                  <xsl:when test="@failing-since">
                    <span class="status status-expired">failing</span>
                    <span class="muted"> since <xsl:call-template name="datetime"><xsl:with-param name="value" select="@failing-since"/></xsl:call-template></span>
                  </xsl:when>
                  <xsl:otherwise><span class="status status-active">enabled</span></xsl:otherwise>
                </xsl:choose>
              </td>
              <td>
                <xsl:value-of select="@pending"/>
                <xsl:if test="@failed &gt; 0"><span class="muted">, <xsl:value-of select="@failed"/> failed</span></xsl:if>
              </td>
              <td>
                <xsl:call-template name="datetime"><xsl:with-param name="value" select="@created"/></xsl:call-template>
                <span class="muted"> by <xsl:value-of select="created-by"/></span>
              </td>
              <td>
                <a class="btn btn-link" href="/settings/webhooks?log={@id}">Deliveries</a>
                <form class="inline-form" method="post" action="/settings/webhooks">
                  <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
                  <input type="hidden" name="id" value="{@id}"/>
                  <xsl:choose>
                    <xsl:when test="@enabled = '1'">
                      <input type="hidden" name="op" value="disable"/>
                      <button type="submit" class="btn btn-secondary">Disable</button>
                    </xsl:when>
                    <xsl:otherwise>
                      <input type="hidden" name="op" value="enable"/>
                      <button type="submit" class="btn btn-secondary">Enable</button>
                    </xsl:otherwise>
                  </xsl:choose>
                </form>
                <a class="btn btn-link" href="/settings/webhooks?delete={@id}">Delete</a>
              </td>
            </tr>
          </xsl:for-each>
          <xsl:if test="not(endpoint)">
            <tr class="list-empty"><td colspan="6">No endpoints yet.</td></tr>
          </xsl:if>
        </tbody>
      </table>
    </div>
    <xsl:apply-templates select="log"/>
    <form class="card form" method="post" action="/settings/webhooks">
      <h2>New endpoint</h2>
      <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
      <input type="hidden" name="op" value="create"/>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'url'"/>
        <xsl:with-param name="label" select="'Endpoint URL'"/>
        <xsl:with-param name="required" select="true()"/>
        <xsl:with-param name="maxlength" select="'2000'"/>
        <xsl:with-param name="help" select="'An https:// address of the receiving system.'"/>
        <xsl:with-param name="echo" select="not(created)"/>
      </xsl:call-template>
      <fieldset class="field">
        <legend>Send changes of</legend>
        <xsl:call-template name="field-error"><xsl:with-param name="name" select="'event_portal_user'"/></xsl:call-template>
        <xsl:for-each select="event-names/event">
          <xsl:variable name="f" select="concat('event_', @name)"/>
          <label class="check">
            <input type="checkbox" name="{$f}" value="1">
              <xsl:if test="not(/page/webhooks/created) and /page/form/field[@name = $f]/@value = '1'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
            </input>
            <xsl:text> </xsl:text><xsl:value-of select="."/>
          </label>
        </xsl:for-each>
      </fieldset>
      <div class="actions">
        <button type="submit" class="btn btn-primary">Add endpoint</button>
      </div>
    </form>
  </xsl:template>

  <xsl:template match="log">
    <section class="card" aria-labelledby="log-title">
      <h2 id="log-title">Deliveries to <code><xsl:value-of select="../endpoint[@id = current()/@endpoint]/url"/></code></h2>
      <div class="table-wrap">
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">Change</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">First</th>
              <th scope="col">Last</th>
              <th scope="col">Answer</th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="delivery">
              <tr>
                <td><xsl:value-of select="concat(translate(@resource, '_', ' '), ' ', @rid, ' ', @op)"/>
                  <span class="muted"> #<xsl:value-of select="@seq"/></span></td>
                <td><span class="status status-{@status}"><xsl:value-of select="@status"/></span></td>
                <td><xsl:value-of select="@attempts"/></td>
                <td><xsl:call-template name="datetime"><xsl:with-param name="value" select="@first-at"/></xsl:call-template></td>
                <td><xsl:call-template name="datetime"><xsl:with-param name="value" select="@last-at"/></xsl:call-template></td>
                <td>
                  <xsl:value-of select="@code"/>
                  <xsl:if test="error"><span class="muted"><xsl:text> </xsl:text><xsl:value-of select="error"/></span></xsl:if>
                </td>
              </tr>
            </xsl:for-each>
            <xsl:if test="not(delivery)">
              <tr class="list-empty"><td colspan="6">No deliveries yet.</td></tr>
            </xsl:if>
          </tbody>
        </table>
      </div>
    </section>
  </xsl:template>

</xsl:stylesheet>
