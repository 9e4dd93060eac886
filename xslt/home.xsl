<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: settings home (page name "home"). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Settings</xsl:template>

  <xsl:template match="home">
    <xsl:variable name="s" select="/page/session"/>
    <xsl:variable name="name" select="normalize-space(concat($s/@first-name, ' ', $s/@last-name))"/>
    <div class="page-head">
      <h1>
        <xsl:text>Welcome</xsl:text>
        <xsl:choose>
          <xsl:when test="string($s/@first-name) != ''">
            <xsl:text>, </xsl:text>
            <xsl:value-of select="$s/@first-name"/>
          </xsl:when>
          <xsl:when test="$name != ''">
            <xsl:text>, </xsl:text>
            <xsl:value-of select="$name"/>
          </xsl:when>
        </xsl:choose>
      </h1>
      <xsl:if test="$s">
        <p class="lead">
          <xsl:text>Signed in as </xsl:text>
          <xsl:if test="$name != ''">
            <xsl:value-of select="$name"/>
            <xsl:text> (</xsl:text>
          </xsl:if>
          <strong><xsl:value-of select="$s/@email"/></strong>
          <xsl:if test="$name != ''">
            <xsl:text>)</xsl:text>
          </xsl:if>
          <xsl:if test="string($s/@tenant-name) != ''">
            <xsl:text> for </xsl:text>
            <xsl:value-of select="$s/@tenant-name"/>
          </xsl:if>
          <xsl:text>.</xsl:text>
        </p>
      </xsl:if>
    </div>

    <xsl:choose>
      <xsl:when test="/page/menu/section/item">
        <xsl:for-each select="/page/menu/section[item]">
          <section class="home-section" aria-labelledby="home-section-{position()}">
            <h2 id="home-section-{position()}">
              <xsl:value-of select="@label"/>
            </h2>
            <ul class="cards">
              <xsl:for-each select="item">
                <li>
                  <a class="card card-link" href="{@href}">
                    <span class="card-title">
                      <xsl:value-of select="@label"/>
                    </span>
                  </a>
                </li>
              </xsl:for-each>
            </ul>
          </section>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise>
        <div class="card empty-state">
          <p>No settings module is available to this account.</p>
          <p class="muted">Ask an administrator of your organisation if you need access.</p>
        </div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
