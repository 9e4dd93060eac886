<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: partner API keys (page "api-keys", GET/POST
     /settings/api-keys, Super Admins).  A new key is shown once (<created>);
     revoking asks first (@confirm): a page of its own, no JavaScript needed;
     so does a key's rate limit (@limit). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">API keys</xsl:template>

  <xsl:template match="api-keys[@confirm]">
    <div class="page-head">
      <p class="breadcrumb">Integrations › <a href="/settings/api-keys">API keys</a></p>
      <h1 id="confirm-title">
        <xsl:choose>
          <xsl:when test="@confirm = 0">Nothing to revoke</xsl:when>
          <xsl:otherwise>Revoke this key?</xsl:otherwise>
        </xsl:choose>
      </h1>
    </div>
    <xsl:choose>
      <xsl:when test="@confirm = 0">
        <p>That key is revoked already, or is not one of yours.
          <a href="/settings/api-keys">Back to the keys</a></p>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="k" select="key[@revoke = '1']"/>
        <form class="card form confirm-delete" method="post" action="/settings/api-keys"
              aria-labelledby="confirm-title">
          <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
          <input type="hidden" name="op" value="revoke"/>
          <input type="hidden" name="key" value="{$k/@id}"/>
          <input type="hidden" name="confirm" value="1"/>
          <p><strong><xsl:value-of select="$k/name"/></strong> (<code><xsl:value-of select="$k/@id"/></code>)</p>
          <p class="note note-danger">The systems that use it are refused from their next
            request on. This cannot be undone: a new key would have to be made.</p>
          <div class="actions">
            <button type="submit" class="btn btn-danger">Revoke</button>
            <a class="btn btn-link" href="/settings/api-keys">Cancel</a>
          </div>
        </form>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="api-keys[@limit]">
    <div class="page-head">
      <p class="breadcrumb">Integrations › <a href="/settings/api-keys">API keys</a></p>
      <h1 id="limit-title">
        <xsl:choose>
          <xsl:when test="@limit = 0">No such key</xsl:when>
          <xsl:otherwise>Rate limit</xsl:otherwise>
        </xsl:choose>
      </h1>
    </div>
    <xsl:choose>
      <xsl:when test="@limit = 0">
        <p>That key is revoked, or is not one of yours.
          <a href="/settings/api-keys">Back to the keys</a></p>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="k" select="key[@edit-limit = '1']"/>
        <form class="card form" method="post" action="/settings/api-keys"
              aria-labelledby="limit-title">
          <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
          <input type="hidden" name="op" value="limit"/>
          <input type="hidden" name="key" value="{$k/@id}"/>
          <p><strong><xsl:value-of select="$k/name"/></strong> (<code><xsl:value-of select="$k/@id"/></code>)</p>
          <xsl:call-template name="text-field">
            <xsl:with-param name="name" select="'rate'"/>
            <xsl:with-param name="label" select="'Requests a second'"/>
            <xsl:with-param name="type" select="'number'"/>
            <xsl:with-param name="required" select="true()"/>
            <xsl:with-param name="model" select="$k/@rate"/>
            <xsl:with-param name="help" select="'1 to 65535. Over it the key is answered 429 with Retry-After.'"/>
          </xsl:call-template>
          <xsl:call-template name="text-field">
            <xsl:with-param name="name" select="'burst'"/>
            <xsl:with-param name="label" select="'Burst'"/>
            <xsl:with-param name="type" select="'number'"/>
            <xsl:with-param name="required" select="true()"/>
            <xsl:with-param name="model" select="$k/@burst"/>
            <xsl:with-param name="help" select="'Requests it may make at once after a quiet spell, 1 to 65535.'"/>
          </xsl:call-template>
          <div class="actions">
            <button type="submit" class="btn btn-primary">Save</button>
            <a class="btn btn-link" href="/settings/api-keys">Cancel</a>
          </div>
        </form>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="api-keys">
    <div class="page-head">
      <p class="breadcrumb">Integrations</p>
      <h1>API keys</h1>
      <p class="lead">Keys let partner systems (accounting, CRM, dispatch) read this
        company's data as XML. Each key reads only what its scopes allow.</p>
    </div>
    <xsl:if test="created">
      <div class="card created-key" role="status">
        <h2>Your new key</h2>
        <p>Copy it into the partner system now: it is shown only this once.</p>
        <p><code class="secret" id="new-key"><xsl:value-of select="created"/></code></p>
      </div>
    </xsl:if>
    <div class="table-wrap">
      <table class="data-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key id</th>
            <th scope="col">Scopes</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">Rate limit</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="key">
            <tr>
              <td><xsl:value-of select="name"/></td>
              <td><code><xsl:value-of select="@id"/></code></td>
              <td><xsl:value-of select="translate(scopes, ',_', '  ')"/></td>
              <td><span class="status status-{@status}"><xsl:value-of select="@status"/></span></td>
              <td>
                <xsl:call-template name="datetime"><xsl:with-param name="value" select="@created"/></xsl:call-template>
                <span class="muted"> by <xsl:value-of select="created-by"/></span>
              </td>
              <td>
                <xsl:call-template name="datetime">
                  <xsl:with-param name="value" select="@expires"/>
                  <xsl:with-param name="empty" select="'Never'"/>
                </xsl:call-template>
              </td>
              <td>
                <xsl:call-template name="datetime"><xsl:with-param name="value" select="@last-used"/></xsl:call-template>
                <xsl:if test="@last-used-from"><span class="muted"> from <xsl:value-of select="@last-used-from"/></span></xsl:if>
              </td>
              <td>
                <xsl:value-of select="concat(@rate, '/s, bursts of ', @burst)"/>
                <xsl:if test="@status != 'revoked'">
                  <xsl:text> </xsl:text>
                  <a href="/settings/api-keys?limit={@id}" aria-label="Change the rate limit of {name}">Change</a>
                </xsl:if>
              </td>
              <td>
                <xsl:if test="@status != 'revoked'">
                  <form class="inline-form" method="post" action="/settings/api-keys">
                    <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
                    <input type="hidden" name="op" value="roll"/>
                    <input type="hidden" name="key" value="{@id}"/>
                    <label for="grace-{@id}">Old key works for</label>
                    <select id="grace-{@id}" name="grace">
                      <option value="0">0 days</option>
                      <option value="1" selected="selected">1 day</option>
                      <option value="2">2 days</option>
                      <option value="3">3 days</option>
                      <option value="7">7 days</option>
                    </select>
                    <button type="submit" class="btn btn-secondary">Roll</button>
                  </form>
                  <a class="btn btn-link" href="/settings/api-keys?revoke={@id}">Revoke</a>
                </xsl:if>
              </td>
            </tr>
          </xsl:for-each>
          <xsl:if test="not(key)">
            <tr class="list-empty"><td colspan="9">No keys yet.</td></tr>
          </xsl:if>
        </tbody>
      </table>
    </div>
    <form class="card form" method="post" action="/settings/api-keys">
      <h2>New key</h2>
      <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
      <input type="hidden" name="op" value="create"/>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'name'"/>
        <xsl:with-param name="label" select="'Name'"/>
        <xsl:with-param name="required" select="true()"/>
        <xsl:with-param name="maxlength" select="'100'"/>
        <xsl:with-param name="help" select="'The system that will use it, e.g. Accounting sync.'"/>
        <xsl:with-param name="echo" select="not(created)"/>
      </xsl:call-template>
      <fieldset class="field">
        <legend>May read</legend>
        <xsl:call-template name="field-error"><xsl:with-param name="name" select="'scope_portal_users'"/></xsl:call-template>
        <xsl:for-each select="scope-names/scope">
          <xsl:variable name="f" select="concat('scope_', @name)"/>
          <label class="check">
            <input type="checkbox" name="{$f}" value="1">
              <xsl:if test="not(/page/api-keys/created) and /page/form/field[@name = $f]/@value = '1'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
            </input>
            <xsl:text> </xsl:text><xsl:value-of select="."/>
          </label>
        </xsl:for-each>
      </fieldset>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'expires'"/>
        <xsl:with-param name="label" select="'Expires (optional)'"/>
        <xsl:with-param name="type" select="'date'"/>
        <xsl:with-param name="help" select="'The key works through this day (UTC).'"/>
        <xsl:with-param name="echo" select="not(created)"/>
      </xsl:call-template>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'allow'"/>
        <xsl:with-param name="label" select="'Allowed addresses (optional)'"/>
        <xsl:with-param name="maxlength" select="'2000'"/>
        <xsl:with-param name="help" select="'Addresses or ranges such as 192.0.2.0/24, separated by commas. Empty: any address.'"/>
        <xsl:with-param name="echo" select="not(created)"/>
      </xsl:call-template>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'rate'"/>
        <xsl:with-param name="label" select="'Requests a second (optional)'"/>
        <xsl:with-param name="type" select="'number'"/>
        <xsl:with-param name="help" select="'Empty: 10. Over it the key is answered 429 with Retry-After.'"/>
        <xsl:with-param name="echo" select="not(created)"/>
      </xsl:call-template>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'burst'"/>
        <xsl:with-param name="label" select="'Burst (optional)'"/>
        <xsl:with-param name="type" select="'number'"/>
        <xsl:with-param name="help" select="'Requests it may make at once after a quiet spell. Empty: 50.'"/>
        <xsl:with-param name="echo" select="not(created)"/>
      </xsl:call-template>
      <div class="actions">
        <button type="submit" class="btn btn-primary">Create key</button>
      </div>
    </form>
  </xsl:template>

</xsl:stylesheet>
