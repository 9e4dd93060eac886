<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: add or edit a customer (page name "customer-edit",
     GET/POST /settings/customers/edit[?id=N]). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:choose>
      <xsl:when test="string(customer-edit/customer/@id) != ''">Edit Customer</xsl:when>
      <xsl:otherwise>Add Customer</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="customer-edit">
    <xsl:variable name="editable" select="@editable = '1' or @editable = 'true'"/>
    <xsl:variable name="c" select="customer"/>
    <xsl:variable name="id" select="string($c/@id)"/>

    <div class="page-head">
      <p class="breadcrumb">
        <a href="/settings/customers">Customers</a>
      </p>
      <h1>
        <xsl:choose>
          <xsl:when test="$id != ''">Edit Customer</xsl:when>
          <xsl:otherwise>Add Customer</xsl:otherwise>
        </xsl:choose>
      </h1>
    </div>

    <xsl:if test="not($editable)">
      <p class="note note-readonly">You have view-only access to settings.</p>
    </xsl:if>

    <form class="card form edit-form" method="post" action="/settings/customers/edit">
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

      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'name'"/>
        <xsl:with-param name="label" select="'Name'"/>
        <xsl:with-param name="model" select="$c/name"/>
        <xsl:with-param name="editable" select="$editable"/>
        <xsl:with-param name="required" select="true()"/>
        <xsl:with-param name="maxlength" select="200"/>
        <xsl:with-param name="autocomplete" select="'off'"/>
        <xsl:with-param name="help" select="'The company name, as your customers and the Client Portal show it.'"/>
      </xsl:call-template>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'email'"/>
        <xsl:with-param name="label" select="'Primary email'"/>
        <xsl:with-param name="type" select="'email'"/>
        <xsl:with-param name="model" select="$c/email"/>
        <xsl:with-param name="editable" select="$editable"/>
        <xsl:with-param name="maxlength" select="254"/>
        <xsl:with-param name="autocomplete" select="'off'"/>
        <xsl:with-param name="help" select="'Suggested as the login email of new portal users of this customer.'"/>
      </xsl:call-template>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'phone'"/>
        <xsl:with-param name="label" select="'Phone'"/>
        <xsl:with-param name="type" select="'tel'"/>
        <xsl:with-param name="model" select="$c/phone"/>
        <xsl:with-param name="editable" select="$editable"/>
        <xsl:with-param name="maxlength" select="40"/>
        <xsl:with-param name="autocomplete" select="'off'"/>
      </xsl:call-template>

      <fieldset class="fieldset">
        <legend>Address</legend>
        <xsl:call-template name="text-field">
          <xsl:with-param name="name" select="'street'"/>
          <xsl:with-param name="label" select="'Street'"/>
          <xsl:with-param name="model" select="$c/street"/>
          <xsl:with-param name="editable" select="$editable"/>
          <xsl:with-param name="maxlength" select="200"/>
          <xsl:with-param name="autocomplete" select="'off'"/>
        </xsl:call-template>
        <div class="field-row">
          <xsl:call-template name="text-field">
            <xsl:with-param name="name" select="'city'"/>
            <xsl:with-param name="label" select="'City'"/>
            <xsl:with-param name="model" select="$c/city"/>
            <xsl:with-param name="editable" select="$editable"/>
            <xsl:with-param name="maxlength" select="100"/>
            <xsl:with-param name="autocomplete" select="'off'"/>
          </xsl:call-template>
          <xsl:call-template name="text-field">
            <xsl:with-param name="name" select="'state'"/>
            <xsl:with-param name="label" select="'State'"/>
            <xsl:with-param name="model" select="$c/state"/>
            <xsl:with-param name="editable" select="$editable"/>
            <xsl:with-param name="maxlength" select="100"/>
            <xsl:with-param name="autocomplete" select="'off'"/>
          </xsl:call-template>
          <xsl:call-template name="text-field">
            <xsl:with-param name="name" select="'zip'"/>
            <xsl:with-param name="label" select="'ZIP'"/>
            <xsl:with-param name="model" select="$c/zip"/>
            <xsl:with-param name="editable" select="$editable"/>
            <xsl:with-param name="maxlength" select="20"/>
            <xsl:with-param name="autocomplete" select="'off'"/>
          </xsl:call-template>
        </div>
      </fieldset>

      <div class="actions">
        <a class="btn" href="/settings/customers">
          <xsl:choose>
            <xsl:when test="$editable">Cancel</xsl:when>
            <xsl:otherwise>Back to customers</xsl:otherwise>
          </xsl:choose>
        </a>
        <xsl:if test="$editable">
          <button type="submit" class="btn btn-primary btn-save">Save</button>
        </xsl:if>
      </div>
    </form>

    <xsl:if test="$id != ''">
      <section class="card side-card" aria-labelledby="portal-users-title">
        <h2 id="portal-users-title">Portal users</h2>
        <p>
          <xsl:variable name="n" select="number($c/@portal-users)"/>
          <xsl:choose>
            <xsl:when test="$n = 1">This customer has 1 portal user.</xsl:when>
            <xsl:when test="$n &gt; 1">
              <xsl:text>This customer has </xsl:text>
              <xsl:value-of select="$n"/>
              <xsl:text> portal users.</xsl:text>
            </xsl:when>
            <xsl:otherwise>This customer has no portal users yet.</xsl:otherwise>
          </xsl:choose>
        </p>
        <xsl:if test="portal-users/user">
          <!-- Syncro: each of the customer's portal users, with the status
               the portal's sign-in goes by, and a password reset (the
               portal's own mail) sent on request. -->
          <div class="table-wrap">
            <table class="data-table stack customer-portal-users">
              <caption class="visually-hidden">Portal users of this customer</caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Name</th>
                  <th scope="col">Group</th>
                  <th scope="col">Status</th>
                  <th scope="col">Invitation</th>
                  <th scope="col">Last sign-in</th>
                  <xsl:if test="$editable">
                    <th scope="col"><span class="visually-hidden">Actions</span></th>
                  </xsl:if>
                </tr>
              </thead>
              <tbody>
                <xsl:for-each select="portal-users/user">
                  <tr>
                    <td class="cell-email cell-key" data-label="Email">
                      <a href="/settings/client/portal-access/edit?id={@id}">
                        <xsl:value-of select="email"/>
                      </a>
                    </td>
                    <td data-label="Name"><xsl:value-of select="name"/></td>
                    <td data-label="Group"><xsl:value-of select="group"/></td>
                    <td data-label="Status"><xsl:apply-templates select="@status" mode="status-badge"/></td>
                    <td data-label="Invitation" class="cell-invitation">
                      <xsl:apply-templates select="invitation" mode="customer-invitation"/>
                    </td>
                    <td class="cell-date" data-label="Last sign-in">
                      <xsl:call-template name="datetime">
                        <xsl:with-param name="value" select="last-sign-in"/>
                      </xsl:call-template>
                    </td>
                    <xsl:if test="$editable">
                      <td data-label="" class="cell-action">
                        <xsl:variable name="on" select="../../@portal-enabled = '1'"/>
                        <!-- The Portal Access pages' actions, back to this
                             page (from=customer). -->
                        <div class="row-actions">
                          <form class="inline-form" method="post"
                                action="/settings/client/portal-access/resend">
                            <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
                            <input type="hidden" name="id" value="{@id}"/>
                            <input type="hidden" name="from" value="customer"/>
                            <button type="submit" class="btn btn-small btn-resend" aria-label="Resend invitation to {email}">
                              <xsl:if test="@status = 'revoked' or @status = 'active' or not($on)">
                                <xsl:attribute name="disabled">disabled</xsl:attribute>
                              </xsl:if>
                              <xsl:text>Resend invitation</xsl:text>
                            </button>
                          </form>
                          <form class="inline-form" method="post"
                                action="/settings/client/portal-access/edit">
                            <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
                            <input type="hidden" name="id" value="{@id}"/>
                            <input type="hidden" name="customer" value="{$id}"/>
                            <input type="hidden" name="email" value="{email}"/>
                            <input type="hidden" name="from" value="customer"/>
                            <xsl:choose>
                              <xsl:when test="@status = 'revoked'">
                                <input type="hidden" name="status" value="active"/>
                                <button type="submit" class="btn btn-small btn-restore" aria-label="Restore access of {email}">Restore access</button>
                              </xsl:when>
                              <xsl:otherwise>
                                <input type="hidden" name="status" value="revoked"/>
                                <button type="submit" class="btn btn-small btn-revoke" aria-label="Revoke access of {email}">Revoke access</button>
                              </xsl:otherwise>
                            </xsl:choose>
                          </form>
                          <a class="btn btn-small btn-danger" href="/settings/client/portal-access/delete?id={@id}&amp;from=customer"
                             aria-label="Delete {email}">Delete</a>
                          <form class="inline-form" method="post"
                                action="/settings/client/portal-access/send-reset">
                            <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
                            <input type="hidden" name="id" value="{@id}"/>
                            <button type="submit" class="btn btn-small" aria-label="Send password reset to {email}">
                              <xsl:if test="@status = 'revoked' or ../../@portal-enabled = '0'">
                                <xsl:attribute name="disabled">disabled</xsl:attribute>
                              </xsl:if>
                              <xsl:text>Send password reset</xsl:text>
                            </button>
                          </form>
                        </div>
                      </td>
                    </xsl:if>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </div>
          <xsl:if test="$editable">
            <p class="help">
              <xsl:choose>
                <xsl:when test="@portal-enabled = '0'">Password resets are not sent while the Client Portal is off.</xsl:when>
                <xsl:otherwise>"Resend invitation" sends a new invitation (earlier links stop working) to a user who has not set a password. "Revoke access" signs the user out at once; "Restore access" lets them in again without a new invitation. "Send password reset" emails the user a single-use link to choose a new password, as "Forgot password?" on the portal does. Revoked users get none.</xsl:otherwise>
              </xsl:choose>
            </p>
          </xsl:if>
        </xsl:if>
        <xsl:if test="$editable">
          <p>
            <a href="/settings/client/portal-access/edit?customer={$id}">Add a portal user</a>
          </p>
        </xsl:if>
      </section>

      <section class="card side-card" aria-labelledby="contacts-title">
        <h2 id="contacts-title">Contacts</h2>
        <xsl:for-each select="contacts/contact">
          <div class="contact">
            <p><strong><xsl:value-of select="name"/></strong>
              <xsl:if test="normalize-space(email) != ''"><xsl:text> </xsl:text><xsl:value-of select="email"/></xsl:if>
              <xsl:if test="normalize-space(phone) != ''"><xsl:text> · </xsl:text><xsl:value-of select="phone"/></xsl:if></p>
            <xsl:choose>
              <xsl:when test="portal-user">
                <p class="muted">Portal user: <a href="/settings/client/portal-access/edit?id={portal-user/@id}"><xsl:value-of select="portal-user"/></a></p>
              </xsl:when>
              <xsl:when test="$editable">
                <form class="inline-form" method="post" action="/settings/customers/contacts/enable">
                  <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
                  <input type="hidden" name="contact" value="{@id}"/>
                  <label for="group-{@id}">Group</label>
                  <select id="group-{@id}" name="group">
                    <xsl:for-each select="../../groups/group">
                      <option value="{@id}">
                        <xsl:if test="@selected = '1'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                        <xsl:value-of select="."/>
                      </option>
                    </xsl:for-each>
                  </select>
                  <xsl:if test="normalize-space(email) = ''">
                    <label for="login-{@id}">Login</label>
                    <input type="text" id="login-{@id}" name="login" required="required" autocomplete="off"/>
                  </xsl:if>
                  <label class="check"><input type="checkbox" name="require_mfa" value="1"/> Require MFA</label>
                  <button type="submit" class="btn btn-small">Enable portal user</button>
                </form>
              </xsl:when>
            </xsl:choose>
          </div>
        </xsl:for-each>
        <xsl:if test="$editable">
          <form class="form inline-form" method="post" action="/settings/customers/contacts">
            <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
            <input type="hidden" name="customer" value="{$id}"/>
            <label for="contact-name">Name</label>
            <input type="text" id="contact-name" name="name" required="required"/>
            <label for="contact-email">Email (optional)</label>
            <input type="email" id="contact-email" name="email"/>
            <label for="contact-phone">Phone</label>
            <input type="tel" id="contact-phone" name="phone"/>
            <button type="submit" class="btn">Add contact</button>
          </form>
        </xsl:if>
      </section>

      <section class="card side-card" aria-labelledby="sites-title">
        <h2 id="sites-title">Sites</h2>
        <ul class="sites">
          <xsl:for-each select="sites/site">
            <li>
              <xsl:if test="@parent"><xsl:attribute name="class">sub-site</xsl:attribute>↳ </xsl:if>
              <xsl:value-of select="."/>
            </li>
          </xsl:for-each>
        </ul>
        <xsl:if test="not(sites/site)"><p class="muted">No sites yet.</p></xsl:if>
        <xsl:if test="$editable">
          <form class="form inline-form" method="post" action="/settings/customers/sites">
            <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
            <input type="hidden" name="customer" value="{$id}"/>
            <label for="site-name">Site name</label>
            <input type="text" id="site-name" name="name" required="required"/>
            <label for="site-address">Address</label>
            <input type="text" id="site-address" name="address"/>
            <label for="site-parent">Sub-site of</label>
            <select id="site-parent" name="parent">
              <option value="">(a master site)</option>
              <xsl:for-each select="sites/site[not(@parent)]">
                <option value="{@id}"><xsl:value-of select="."/></option>
              </xsl:for-each>
            </select>
            <button type="submit" class="btn">Add site</button>
          </form>
        </xsl:if>
      </section>

      <xsl:variable name="t" select="$c/token-link"/>
      <section class="card side-card" aria-labelledby="token-title">
        <h2 id="token-title">Secure token link</h2>
        <p>Opens this customer's portal without a password while the customer has no
          portal users; after that it leads to the sign-in page.</p>
        <xsl:choose>
          <xsl:when test="string($t/@href) != ''">
            <div class="copy-field">
              <input type="text" id="token-link" readonly="readonly" value="{$t/@href}"
                     aria-label="Secure token link"/>
              <button type="button" class="copy btn btn-small" data-copy="token-link" hidden="hidden">Copy</button>
            </div>
          </xsl:when>
          <xsl:when test="string($t/@created) != ''">
            <p>A link exists. Only users who can edit settings see it.</p>
          </xsl:when>
          <xsl:otherwise>
            <p class="muted">No link yet.</p>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:if test="string($t/@created) != ''">
          <p class="help">
            <xsl:text>Made </xsl:text>
            <xsl:call-template name="datetime">
              <xsl:with-param name="value" select="$t/@created"/>
            </xsl:call-template>
            <xsl:text>. </xsl:text>
            <xsl:choose>
              <xsl:when test="$t/@active = '1'">It works now.</xsl:when>
              <xsl:otherwise>It leads to the sign-in page now.</xsl:otherwise>
            </xsl:choose>
          </p>
        </xsl:if>
        <xsl:if test="$editable">
          <form class="inline-form" method="post" action="/settings/customers/token">
            <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
            <input type="hidden" name="id" value="{$id}"/>
            <button type="submit" class="btn">
              <xsl:choose>
                <xsl:when test="string($t/@created) != ''">Replace the link</xsl:when>
                <xsl:otherwise>Make a link</xsl:otherwise>
              </xsl:choose>
            </button>
          </form>
          <xsl:if test="string($t/@created) != ''">
            <p class="help">Replacing it stops the old link and ends the sessions it opened.</p>
          </xsl:if>
        </xsl:if>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- A portal user's invitation state on the customer's page (the
       ledger's latest, sql/026): the state, and its dates. -->
  <xsl:template match="invitation" mode="customer-invitation">
    <span class="badge invitation-state invitation-{@state}">
      <xsl:choose>
        <xsl:when test="@state = 'not_invited'">Not invited</xsl:when>
        <xsl:when test="@state = 'invited'">Invited</xsl:when>
        <xsl:when test="@state = 'reminded'">Reminded</xsl:when>
        <xsl:when test="@state = 'accepted'">Accepted</xsl:when>
        <xsl:when test="@state = 'expired'">Expired</xsl:when>
        <xsl:when test="@state = 'bounced'">Bounced</xsl:when>
      </xsl:choose>
    </span>
    <xsl:if test="@state = 'invited' or @state = 'reminded'">
      <span class="invitation-dates">
        <xsl:choose>
          <xsl:when test="@sent">
            <xsl:text> sent </xsl:text>
            <xsl:call-template name="datetime"><xsl:with-param name="value" select="@sent"/></xsl:call-template>
          </xsl:when>
          <xsl:otherwise> queued</xsl:otherwise>
        </xsl:choose>
        <xsl:if test="@reminded">
          <xsl:text>, reminded </xsl:text>
          <xsl:call-template name="datetime"><xsl:with-param name="value" select="@reminded"/></xsl:call-template>
        </xsl:if>
        <xsl:text>, expires </xsl:text>
        <xsl:call-template name="datetime"><xsl:with-param name="value" select="@expires"/></xsl:call-template>
      </span>
    </xsl:if>
    <xsl:if test="@state = 'accepted'">
      <span class="invitation-dates">
        <xsl:text> </xsl:text>
        <xsl:call-template name="datetime"><xsl:with-param name="value" select="@accepted"/></xsl:call-template>
      </span>
    </xsl:if>
    <xsl:if test="@state = 'expired'">
      <span class="invitation-dates">
        <xsl:text> </xsl:text>
        <xsl:call-template name="datetime"><xsl:with-param name="value" select="@expires"/></xsl:call-template>
      </span>
    </xsl:if>
    <xsl:if test="@state = 'bounced'">
      <span class="invitation-dates">
        <xsl:text> </xsl:text>
        <xsl:call-template name="datetime"><xsl:with-param name="value" select="@bounced"/></xsl:call-template>
        <xsl:text>: </xsl:text>
        <xsl:value-of select="answer"/>
      </span>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
