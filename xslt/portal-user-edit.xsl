<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: add or edit a portal user (page name "portal-user-edit",
     GET /settings/client/portal-access/edit[?id=N][&customer=N], POST same path). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:choose>
      <xsl:when test="string(portal-user-edit/user/@id) != ''">Edit Portal User</xsl:when>
      <xsl:otherwise>Add Portal User</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="portal-user-edit">
    <xsl:variable name="editable" select="@editable = '1' or @editable = 'true'"/>
    <xsl:variable name="portal-on" select="not(@portal-enabled = '0' or @portal-enabled = 'false')"/>
    <xsl:variable name="u" select="user"/>
    <xsl:variable name="id" select="string($u/@id)"/>
    <!-- "Use company email" (or, adding, "Choose company" with the email
         left empty) re-renders the form with the chosen company's email as
         user/email (@email-from-company): then the model wins over the
         echoed field, and what was typed before is no error. -->
    <xsl:variable name="prefill" select="$u/@email-from-company = '1'"/>
    <xsl:variable name="echo-customer" select="/page/form/field[@name = 'customer'][1]"/>

    <div class="page-head">
      <p class="breadcrumb">
        <xsl:text>Client › </xsl:text>
        <a href="/settings/client/portal-access">Portal Access</a>
      </p>
      <h1>
        <xsl:choose>
          <xsl:when test="$id != ''">Edit Portal User</xsl:when>
          <xsl:otherwise>Add Portal User</xsl:otherwise>
        </xsl:choose>
      </h1>
    </div>

    <xsl:if test="not($editable)">
      <p class="note note-readonly">You have view-only access to settings.</p>
    </xsl:if>

    <form class="card form edit-form" method="post" action="/settings/client/portal-access/edit">
      <input type="hidden" name="csrf" value="{/page/session/@csrf}">
        <xsl:if test="not($editable)">
          <xsl:attribute name="disabled">disabled</xsl:attribute>
        </xsl:if>
      </input>
      <xsl:if test="$id != ''">
        <input type="hidden" name="id" value="{$id}">
          <xsl:if test="not($editable)">
            <xsl:attribute name="disabled">disabled</xsl:attribute>
          </xsl:if>
        </input>
      </xsl:if>
      <xsl:if test="$editable">
        <!-- Enter saves: the first submit button of a form is its default,
             and "Choose company" and "Use company email" come before the
             visible Save. -->
        <button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">Save</button>
      </xsl:if>

      <!-- Company.  Adding, choosing one copies its primary email
           (data-email) into the email field while nothing typed is there
           (app.js, data-fills); editing, never: the login changes only when
           the office edits it, or asks with "Use company email".  "Choose
           company" shows the chosen company's sites (no JavaScript needed). -->
      <div class="field">
        <xsl:variable name="has-err">
          <xsl:call-template name="field-has-error">
            <xsl:with-param name="name" select="'customer'"/>
          </xsl:call-template>
        </xsl:variable>
        <xsl:if test="$has-err = '1'">
          <xsl:attribute name="class">field has-error</xsl:attribute>
        </xsl:if>
        <label for="customer">Company</label>
        <select id="customer" name="customer" required="required">
          <xsl:if test="$id = ''">
            <xsl:attribute name="data-fills">email</xsl:attribute>
          </xsl:if>
          <xsl:if test="not($editable)">
            <xsl:attribute name="disabled">disabled</xsl:attribute>
          </xsl:if>
          <xsl:call-template name="field-aria">
            <xsl:with-param name="name" select="'customer'"/>
            <xsl:with-param name="help-id" select="'customer-help'"/>
          </xsl:call-template>
          <option value="">Choose a company</option>
          <xsl:for-each select="customers/customer">
            <option value="{@id}" data-email="{@email}">
              <xsl:if test="($echo-customer and string(@id) = string($echo-customer/@value))
                            or (not($echo-customer) and @selected = '1')">
                <xsl:attribute name="selected">selected</xsl:attribute>
              </xsl:if>
              <xsl:value-of select="."/>
            </option>
          </xsl:for-each>
        </select>
        <xsl:if test="$editable and customers/customer">
          <button type="submit" name="choose" value="1" formnovalidate="formnovalidate"
                  class="btn btn-small btn-choose">Choose company</button>
        </xsl:if>
        <p class="help" id="customer-help">
          <xsl:text>The customer this person signs in for. A company may have several portal users.</xsl:text>
          <xsl:if test="$id != ''"> Changing it does not change the login email.</xsl:if>
        </p>
        <xsl:call-template name="field-error">
          <xsl:with-param name="name" select="'customer'"/>
        </xsl:call-template>
        <xsl:if test="not(customers/customer)">
          <p class="note">
            <xsl:text>There are no customers yet. </xsl:text>
            <xsl:if test="$editable">
              <a href="/settings/customers/edit">Add a customer</a>
              <xsl:text> first.</xsl:text>
            </xsl:if>
          </p>
        </xsl:if>
      </div>

      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'email'"/>
        <xsl:with-param name="label" select="'Email'"/>
        <xsl:with-param name="type" select="'email'"/>
        <xsl:with-param name="model" select="string($u/email)"/>
        <xsl:with-param name="editable" select="$editable"/>
        <xsl:with-param name="required" select="true()"/>
        <xsl:with-param name="maxlength" select="254"/>
        <xsl:with-param name="autocomplete" select="'off'"/>
        <xsl:with-param name="from-form" select="not($prefill)"/>
        <xsl:with-param name="show-error" select="not($prefill)"/>
        <xsl:with-param name="help">
          <xsl:choose>
            <xsl:when test="$id != ''">The portal user signs in with this email. It changes only when you edit it here. An email can be used only once.</xsl:when>
            <xsl:otherwise>The portal user signs in with this email. Choosing a company fills in its primary email while this field is empty; replace it if you prefer. An email can be used only once.</xsl:otherwise>
          </xsl:choose>
        </xsl:with-param>
      </xsl:call-template>
      <!-- The company's email as the login: a choice of its own.  Adding,
           JavaScript fills it in on choosing (the button is hidden then);
           editing, the button stays, and app.js fills the field at once
           instead of re-rendering (data-fill-from). -->
      <xsl:if test="$editable and $id != ''">
        <p class="field-action">
          <button type="submit" name="prefill" value="1" formnovalidate="formnovalidate"
                  class="btn btn-small btn-prefill" data-fill-from="customer" data-fill="email">Use company email</button>
        </p>
      </xsl:if>

      <xsl:if test="$editable">
        <xsl:call-template name="text-field">
          <xsl:with-param name="name" select="'password'"/>
          <xsl:with-param name="label" select="'Password'"/>
          <xsl:with-param name="type" select="'password'"/>
          <xsl:with-param name="autocomplete" select="'new-password'"/>
          <xsl:with-param name="maxlength" select="1024"/>
          <!-- Only an in-form action's re-render carries it back. -->
          <xsl:with-param name="echo" select="/page/form/@carry = '1'"/>
          <xsl:with-param name="help" select="'Optional. At least 10 characters; common passwords are refused. Passwords are never emailed.'"/>
        </xsl:call-template>

        <div class="field">
          <label for="group">Permission group *</label>
          <select id="group" name="group" required="required">
            <xsl:for-each select="groups/group">
              <option value="{@id}">
                <xsl:if test="@selected = '1'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                <xsl:value-of select="."/>
              </option>
            </xsl:for-each>
          </select>
          <p class="help"><a href="/settings/client/portal-groups">What each group may see</a></p>
          <xsl:call-template name="field-error"><xsl:with-param name="name" select="'group'"/></xsl:call-template>
        </div>
        <xsl:choose>
          <xsl:when test="sites">
          <fieldset class="checks sites-pick" data-customer="{sites/@customer}">
            <legend>Sites this user may see</legend>
            <!-- Shown by app.js when another company is chosen: these are
                 not its sites (their inputs are disabled then). -->
            <p class="note sites-stale" hidden="hidden">These are the sites of the company chosen before: choose "Choose company" to pick among the new company's sites. Until then the user gets all of its sites.</p>
            <label class="check"><input type="radio" name="sites" value="all">
              <xsl:if test="sites/@all = '1'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
            </input> All of the customer's sites</label>
            <label class="check"><input type="radio" name="sites" value="chosen">
              <xsl:if test="sites/@all = '0'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
            </input> Only these (Yes / No per site):</label>
            <xsl:for-each select="sites/site">
              <label class="check check-sub">
                <input type="checkbox" name="site" value="{@id}">
                  <xsl:if test="@granted = '1'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
                </input>
                <xsl:if test="@parent"> ↳</xsl:if>
                <xsl:text> </xsl:text>
                <xsl:value-of select="."/>
              </label>
            </xsl:for-each>
            <xsl:call-template name="field-error"><xsl:with-param name="name" select="'sites'"/></xsl:call-template>
            <xsl:call-template name="field-error"><xsl:with-param name="name" select="'site'"/></xsl:call-template>
          </fieldset>
          </xsl:when>
          <xsl:otherwise>
            <fieldset class="checks sites-pick">
              <legend>Sites this user may see</legend>
              <p class="help">Choose the company, then "Choose company", to pick among its sites. Otherwise the user sees all of the company's sites.</p>
            </fieldset>
          </xsl:otherwise>
        </xsl:choose>
        <label class="check">
          <input type="checkbox" name="email_reports" value="1">
            <xsl:if test="user/@email-reports = '1'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          </input>
          <xsl:text> Email me reports (report notifications go to the login email)</xsl:text>
        </label>
        <xsl:if test="$id != ''">
          <div class="field">
            <label for="status">Status</label>
            <select id="status" name="status">
              <option value="active">
                <xsl:if test="user/@access = 'active'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                <xsl:text>Active</xsl:text>
              </option>
              <option value="revoked">
                <xsl:if test="user/@access = 'revoked'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                <xsl:text>Revoke Access</xsl:text>
              </option>
            </select>
            <p class="help">Revoking signs the user out at once and refuses their sign-in; Active restores them, without a new invitation.</p>
            <xsl:call-template name="field-error"><xsl:with-param name="name" select="'status'"/></xsl:call-template>
          </div>
        </xsl:if>

        <xsl:if test="$id = ''">
          <xsl:choose>
            <xsl:when test="$portal-on">
              <p class="help invite-note">Saving sends an invitation email to this address.</p>
            </xsl:when>
            <xsl:otherwise>
              <p class="note note-off">
                <xsl:text>The Client Portal is off: invitations are not sent while the portal is off. Send one later with Resend Invitation Email.</xsl:text>
              </p>
            </xsl:otherwise>
          </xsl:choose>
        </xsl:if>
      </xsl:if>

      <div class="actions">
        <a class="btn" href="/settings/client/portal-access">
          <xsl:choose>
            <xsl:when test="$editable">Cancel</xsl:when>
            <xsl:otherwise>Back to Portal Access</xsl:otherwise>
          </xsl:choose>
        </a>
        <xsl:if test="$editable">
          <button type="submit" class="btn btn-primary btn-save">Save</button>
          <!-- Adding, without JavaScript: re-renders the form with the
               chosen company's email, saving nothing. -->
          <xsl:if test="$id = ''">
            <button type="submit" name="prefill" value="1" formnovalidate="formnovalidate"
                    class="btn btn-prefill js-hide">Use company email</button>
          </xsl:if>
        </xsl:if>
      </div>
    </form>

    <xsl:if test="$id != ''">
      <section class="card side-card" aria-labelledby="invitation-title">
        <h2 id="invitation-title">Invitation and sign-in</h2>
        <dl class="facts">
          <dt>Status</dt>
          <dd>
            <xsl:apply-templates select="$u/@status" mode="status-badge"/>
          </dd>
          <dt>Last sign-in</dt>
          <dd>
            <xsl:call-template name="datetime">
              <xsl:with-param name="value" select="$u/last-sign-in"/>
            </xsl:call-template>
          </dd>
        </dl>
        <xsl:choose>
          <xsl:when test="$u/invitations/invitation">
            <h3 class="subhead">Invitations</h3>
            <ol class="invitation-ledger">
              <xsl:for-each select="$u/invitations/invitation">
                <li class="invitation invitation-{@state}">
                  <strong>
                    <xsl:choose>
                      <xsl:when test="@state = 'queued'">Queued</xsl:when>
                      <xsl:when test="@state = 'invited'">Sent, not yet accepted</xsl:when>
                      <xsl:when test="@state = 'bounced'">Bounced</xsl:when>
                      <xsl:when test="@state = 'expired'">Expired unused</xsl:when>
                      <xsl:otherwise>Accepted</xsl:otherwise>
                    </xsl:choose>
                  </strong>
                  <xsl:text> · to </xsl:text><xsl:value-of select="@email"/>
                  <br/>
                  <span class="muted">
                    <xsl:text>Queued </xsl:text>
                    <xsl:call-template name="datetime"><xsl:with-param name="value" select="@queued"/></xsl:call-template>
                    <xsl:if test="@sent">
                      <xsl:text>; sent </xsl:text>
                      <xsl:call-template name="datetime"><xsl:with-param name="value" select="@sent"/></xsl:call-template>
                    </xsl:if>
                    <xsl:if test="@bounced">
                      <xsl:text>; bounced </xsl:text>
                      <xsl:call-template name="datetime"><xsl:with-param name="value" select="@bounced"/></xsl:call-template>
                    </xsl:if>
                    <xsl:if test="@reminders &gt; 0">
                      <xsl:text>; reminded </xsl:text>
                      <xsl:value-of select="@reminders"/>
                      <xsl:text> time</xsl:text>
                      <xsl:if test="@reminders &gt; 1">s</xsl:if>
                      <xsl:text>, last </xsl:text>
                      <xsl:call-template name="datetime"><xsl:with-param name="value" select="@reminded"/></xsl:call-template>
                    </xsl:if>
                    <xsl:if test="@accepted">
                      <xsl:text>; accepted </xsl:text>
                      <xsl:call-template name="datetime"><xsl:with-param name="value" select="@accepted"/></xsl:call-template>
                    </xsl:if>
                    <xsl:if test="not(@accepted) and not(@bounced)">
                      <xsl:text>; the link </xsl:text>
                      <xsl:choose>
                        <xsl:when test="@state = 'expired'">expired </xsl:when>
                        <xsl:otherwise>expires </xsl:otherwise>
                      </xsl:choose>
                      <xsl:call-template name="datetime"><xsl:with-param name="value" select="@expires"/></xsl:call-template>
                    </xsl:if>
                  </span>
                  <xsl:if test="answer">
                    <br/><span class="bounce-answer">The mail server answered: <code><xsl:value-of select="answer"/></code></span>
                  </xsl:if>
                </li>
              </xsl:for-each>
            </ol>
          </xsl:when>
          <xsl:when test="$id != ''">
            <p class="muted">Never invited.</p>
          </xsl:when>
        </xsl:choose>
        <xsl:if test="$editable">
          <form class="inline-form" method="post" action="/settings/client/portal-access/resend">
            <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
            <input type="hidden" name="id" value="{$id}"/>
            <button type="submit" class="btn">
              <xsl:choose>
                <xsl:when test="$portal-on">
                  <xsl:attribute name="aria-describedby">resend-help</xsl:attribute>
                </xsl:when>
                <xsl:otherwise>
                  <xsl:attribute name="disabled">disabled</xsl:attribute>
                  <xsl:attribute name="aria-describedby">resend-off</xsl:attribute>
                </xsl:otherwise>
              </xsl:choose>
              <xsl:text>Resend Invitation Email</xsl:text>
            </button>
          </form>
          <xsl:choose>
            <xsl:when test="$portal-on">
              <p class="help" id="resend-help">A new invitation goes to the email above as saved; earlier invitation links stop working.</p>
            </xsl:when>
            <xsl:otherwise>
              <p class="note note-off" id="resend-off">
                <xsl:text>Invitations are not sent while the Client Portal is off. </xsl:text>
                <a href="/settings/client/portal-access-settings">Portal Access Settings</a>
              </p>
            </xsl:otherwise>
          </xsl:choose>
          <xsl:if test="$portal-on and $u/@status != 'revoked'">
            <form class="inline-form" method="post" action="/settings/client/portal-access/view-as">
              <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
              <input type="hidden" name="id" value="{$id}"/>
              <button type="submit" class="btn" aria-describedby="view-as-help">View as this client</button>
            </form>
            <p class="help" id="view-as-help">Opens the portal as this client sees it, read-only, for 15 minutes, in a session of your own; it is in the audit log.</p>
          </xsl:if>
        </xsl:if>
      </section>

      <xsl:variable name="sec" select="$u/security"/>
      <section class="card side-card" aria-labelledby="security-title">
        <h2 id="security-title">Sign-in security</h2>
        <dl class="facts">
          <dt>Two-step verification</dt>
          <dd class="mfa-state">
            <xsl:choose>
              <xsl:when test="$sec/@mfa-enabled = '1'">On</xsl:when>
              <xsl:when test="$sec/@mfa-required = '1'">Required; set up at the next sign-in</xsl:when>
              <xsl:otherwise>Off</xsl:otherwise>
            </xsl:choose>
          </dd>
          <dt>Sign-in</dt>
          <dd class="lock-state">
            <xsl:choose>
              <xsl:when test="number($sec/@locked-seconds) &gt; 0">
                <xsl:text>Paused after failed attempts (</xsl:text>
                <xsl:value-of select="ceiling(number($sec/@locked-seconds) div 60)"/>
                <xsl:text> min left)</xsl:text>
              </xsl:when>
              <xsl:otherwise>Open</xsl:otherwise>
            </xsl:choose>
          </dd>
        </dl>
        <xsl:if test="$editable">
          <form class="inline-form" method="post" action="/settings/client/portal-access/security">
            <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
            <input type="hidden" name="id" value="{$id}"/>
            <xsl:choose>
              <xsl:when test="$sec/@mfa-required = '1'">
                <button type="submit" class="btn" name="action" value="unrequire">Stop requiring MFA</button>
              </xsl:when>
              <xsl:otherwise>
                <button type="submit" class="btn" name="action" value="require">Require MFA for this user</button>
              </xsl:otherwise>
            </xsl:choose>
            <xsl:if test="$sec/@mfa-enabled = '1'">
              <button type="submit" class="btn" name="action" value="reset">Reset MFA</button>
            </xsl:if>
            <xsl:if test="number($sec/@locked-seconds) &gt; 0 or number($sec/@failures) &gt; 0">
              <button type="submit" class="btn" name="action" value="unlock">Unlock sign-in</button>
            </xsl:if>
          </form>
        </xsl:if>
      </section>

      <xsl:if test="$editable">
        <section class="card side-card danger-card" aria-labelledby="delete-title">
          <h2 id="delete-title">Delete portal user</h2>
          <p>Deleting ends this person's access to the Client Portal at once. You are asked to confirm first.</p>
          <a class="btn btn-danger" href="/settings/client/portal-access/delete?id={$id}">Delete</a>
        </section>
      </xsl:if>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
