<?xml version="1.0" encoding="UTF-8"?>
<!--
  Gatehouse mail "invitation", HTML part (rendered by gatehouse-mailer).

  Input: the same document as invitation-text.xsl (see there).  Mail clients
  load nothing from outside and run no script: the CSS is in a style element
  of the message itself, the layout is one narrow column, and every link is
  also shown as text so that it can be copied.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:output method="html" encoding="UTF-8" indent="no"
              doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:apply-templates select="mail"/>
  </xsl:template>

  <xsl:template match="mail">
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>Your client portal access</title>
        <style>
          body { margin: 0; padding: 0; background: #f4f6f9; color: #1b2330;
                 font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
                 font-size: 16px; line-height: 1.5; }
          .wrap { max-width: 560px; margin: 0 auto; padding: 24px 16px; }
          .card { background: #ffffff; border: 1px solid #d6dbe3; border-radius: 8px;
                  padding: 24px; }
          h1 { font-size: 20px; margin: 0 0 16px; }
          table.facts { border-collapse: collapse; margin: 16px 0; }
          table.facts th { text-align: left; font-weight: 600; padding: 4px 16px 4px 0;
                           vertical-align: top; white-space: nowrap; }
          table.facts td { padding: 4px 0; word-break: break-all; }
          a { color: #1d5fd1; }
          .button { display: inline-block; background: #1d5fd1; color: #ffffff !important;
                    text-decoration: none; font-weight: 600; padding: 10px 18px;
                    border-radius: 6px; }
          .small { font-size: 14px; color: #5a6473; }
          .link { word-break: break-all; }
          .note { margin-top: 24px; padding: 12px 16px; background: #fff6e0;
                  border-left: 4px solid #e3b341; font-size: 14px; }
          .foot { font-size: 12px; color: #5a6473; text-align: center; margin-top: 16px; }
        </style>
      </head>
      <body>
        <div class="wrap">
          <div class="card">
            <h1>Your client portal access</h1>
            <p>Hello,</p>
            <p>
              <strong><xsl:value-of select="tenant-name"/></strong>
              <xsl:text> has given you access to its client portal</xsl:text>
              <xsl:if test="normalize-space(company) != ''">
                <xsl:text> for </xsl:text>
                <xsl:value-of select="company"/>
              </xsl:if>
              <xsl:text>.</xsl:text>
            </p>
            <table class="facts" role="presentation">
              <tr>
                <th>Your login</th>
                <td><xsl:value-of select="login"/></td>
              </tr>
              <tr>
                <th>Client portal</th>
                <td><a href="{direct-link}"><xsl:value-of select="direct-link"/></a></td>
              </tr>
            </table>
            <xsl:if test="normalize-space(secret-link) != ''">
              <p>
                <a class="button" href="{secret-link}"
                   style="display:inline-block;background:#1d5fd1;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:600"
                  >Choose your password</a>
              </p>
              <p class="small">
                <xsl:text>This link is valid for </xsl:text>
                <xsl:call-template name="days"/>
                <xsl:text> and works once. If the button does not work, copy this address into your browser:</xsl:text>
                <br/>
                <a class="link" href="{secret-link}"><xsl:value-of select="secret-link"/></a>
              </p>
            </xsl:if>
            <p class="note">
              <xsl:text>Gatehouse never sends passwords by email, and nobody from </xsl:text>
              <xsl:value-of select="tenant-name"/>
              <xsl:text> will ask you for yours. If you did not expect this invitation, you can ignore this message.</xsl:text>
            </p>
          </div>
          <p class="foot">
            <xsl:value-of select="tenant-name"/>
            <xsl:text>, sent by Gatehouse</xsl:text>
          </p>
        </div>
      </body>
    </html>
  </xsl:template>

  <!-- "1 day", "7 days" -->
  <xsl:template name="days">
    <xsl:value-of select="number(valid-days)"/>
    <xsl:choose>
      <xsl:when test="number(valid-days) = 1"> day</xsl:when>
      <xsl:otherwise> days</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
