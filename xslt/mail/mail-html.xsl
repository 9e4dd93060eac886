<?xml version="1.0" encoding="UTF-8"?>
<!--
  Gatehouse mail, HTML part: the frame every mail kind shares (imported by
  mail/<kind>-html.xsl).  Mail clients load nothing from outside and run no
  script: the CSS is in a style element of the message itself, the layout is
  one narrow column, and every link is also shown as text.  A kind's
  stylesheet supplies <xsl:template match="mail" mode="title"> and
  <xsl:template match="mail" mode="body">.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:output method="html" encoding="UTF-8" indent="no"
              doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:apply-templates select="mail"/>
  </xsl:template>

  <xsl:template match="mail">
    <xsl:variable name="title">
      <xsl:apply-templates select="." mode="title"/>
    </xsl:variable>
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/></title>
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
            <h1><xsl:value-of select="$title"/></h1>
            <xsl:apply-templates select="." mode="body"/>
          </div>
          <p class="foot">
            <xsl:value-of select="tenant-name"/>
            <xsl:text>, sent by Gatehouse</xsl:text>
          </p>
        </div>
      </body>
    </html>
  </xsl:template>

  <!-- A button and the same link as text, for clients where the button fails. -->
  <xsl:template name="mail-button">
    <xsl:param name="href"/>
    <xsl:param name="label"/>
    <p>
      <a class="button" href="{$href}"
         style="display:inline-block;background:#1d5fd1;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:600"
        ><xsl:value-of select="$label"/></a>
    </p>
  </xsl:template>

</xsl:stylesheet>
