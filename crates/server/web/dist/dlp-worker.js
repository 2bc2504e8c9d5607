var ei=!!"".isWellFormed;var v=Math.fround;var ci=64*1024;function Ye(e,n){for(let t of n)e.kinds.set(t.kind,(e.kinds.get(t.kind)??0)+1)}var A=Uint8Array,B=Uint16Array,en=Int32Array,Xe=new A([0,0,0,0,0,0,0,0,1,1,1,1,2,2,2,2,3,3,3,3,4,4,4,4,5,5,5,5,0,0,0,0]),_e=new A([0,0,0,0,1,1,2,2,3,3,4,4,5,5,6,6,7,7,8,8,9,9,10,10,11,11,12,12,13,13,0,0]),tn=new A([16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1,15]),Je=function(e,n){for(var t=new B(31),r=0;r<31;++r)t[r]=n+=1<<e[r-1];for(var i=new en(t[30]),r=1;r<30;++r)for(var a=t[r];a<t[r+1];++a)i[a]=a-t[r]<<5|r;return{b:t,r:i}},Qe=Je(Xe,2),et=Qe.b,nn=Qe.r;et[28]=258,nn[258]=28;var tt=Je(_e,0),rn=tt.b,hi=tt.r,we=new B(32768);for(m=0;m<32768;++m)M=(m&43690)>>1|(m&21845)<<1,M=(M&52428)>>2|(M&13107)<<2,M=(M&61680)>>4|(M&3855)<<4,we[m]=((M&65280)>>8|(M&255)<<8)>>1;var M,m,V=(function(e,n,t){for(var r=e.length,i=0,a=new B(n);i<r;++i)e[i]&&++a[e[i]-1];var s=new B(n);for(i=1;i<n;++i)s[i]=s[i-1]+a[i-1]<<1;var o;if(t){o=new B(1<<n);var l=15-n;for(i=0;i<r;++i)if(e[i])for(var u=i<<4|e[i],c=n-e[i],f=s[e[i]-1]++<<c,d=f|(1<<c)-1;f<=d;++f)o[we[f]>>l]=u}else for(o=new B(r),i=0;i<r;++i)e[i]&&(o[i]=we[s[e[i]-1]++]>>15-e[i]);return o}),Y=new A(288);for(m=0;m<144;++m)Y[m]=8;var m;for(m=144;m<256;++m)Y[m]=9;var m;for(m=256;m<280;++m)Y[m]=7;var m;for(m=280;m<288;++m)Y[m]=8;var m,nt=new A(32);for(m=0;m<32;++m)nt[m]=5;var m;var an=V(Y,9,1);var on=V(nt,5,1),ye=function(e){for(var n=e[0],t=1;t<e.length;++t)e[t]>n&&(n=e[t]);return n},T=function(e,n,t){var r=n/8|0;return(e[r]|e[r+1]<<8)>>(n&7)&t},be=function(e,n){var t=n/8|0;return(e[t]|e[t+1]<<8|e[t+2]<<16)>>(n&7)},sn=function(e){return(e+7)/8|0},ne=function(e,n,t){return(n==null||n<0)&&(n=0),(t==null||t>e.length)&&(t=e.length),new A(e.subarray(n,t))};var ln=["unexpected EOF","invalid block type","invalid length/literal","invalid distance","stream finished","no stream handler",,"no callback","invalid UTF-8 data","extra field too long","date not in range 1980-2099","filename too long","stream finishing","invalid zip data"],k=function(e,n,t){var r=new Error(n||ln[e]);if(r.code=e,Error.captureStackTrace&&Error.captureStackTrace(r,k),!t)throw r;return r},un=function(e,n,t,r){var i=e.length,a=r?r.length:0;if(!i||n.f&&!n.l)return t||new A(0);var s=!t,o=s||n.i!=2,l=n.i;s&&(t=new A(i*3));var u=function(Ge){var je=t.length;if(Ge>je){var Ve=new A(Math.max(je*2,Ge));Ve.set(t),t=Ve}},c=n.f||0,f=n.p||0,d=n.b||0,h=n.l,x=n.d,w=n.m,b=n.n,$=i*8;do{if(!h){c=T(e,f,1);var ce=T(e,f+1,3);if(f+=3,ce)if(ce==1)h=an,x=on,w=9,b=5;else if(ce==2){var pe=T(e,f,31)+257,Be=T(e,f+10,15)+4,Re=pe+T(e,f+5,31)+1;f+=14;for(var Z=new A(Re),me=new A(19),I=0;I<Be;++I)me[tn[I]]=T(e,f+I*3,7);f+=Be*3;for(var qe=ye(me),Wt=(1<<qe)-1,$t=V(me,qe,1),I=0;I<Re;){var He=$t[T(e,f,Wt)];f+=He&15;var D=He>>4;if(D<16)Z[I++]=D;else{var F=0,te=0;for(D==16?(te=3+T(e,f,3),f+=2,F=Z[I-1]):D==17?(te=3+T(e,f,7),f+=3):D==18&&(te=11+T(e,f,127),f+=7);te--;)Z[I++]=F}}var Ke=Z.subarray(0,pe),L=Z.subarray(pe);w=ye(Ke),b=ye(L),h=V(Ke,w,1),x=V(L,b,1)}else k(1);else{var D=sn(f)+4,de=e[D-4]|e[D-3]<<8,he=D+de;if(he>i){l&&k(0);break}o&&u(d+de),t.set(e.subarray(D,he),d),n.b=d+=de,n.p=f=he*8,n.f=c;continue}if(f>$){l&&k(0);break}}o&&u(d+131072);for(var Zt=(1<<w)-1,Gt=(1<<b)-1,ge=f;;ge=f){var F=h[be(e,f)&Zt],P=F>>4;if(f+=F&15,f>$){l&&k(0);break}if(F||k(2),P<256)t[d++]=P;else if(P==256){ge=f,h=null;break}else{var We=P-254;if(P>264){var I=P-257,G=Xe[I];We=T(e,f,(1<<G)-1)+et[I],f+=G}var xe=x[be(e,f)&Gt],ve=xe>>4;xe||k(3),f+=xe&15;var L=rn[ve];if(ve>3){var G=_e[ve];L+=be(e,f)&(1<<G)-1,f+=G}if(f>$){l&&k(0);break}o&&u(d+131072);var $e=d+We;if(d<L){var Ze=a-L,jt=Math.min(L,$e);for(Ze+d<0&&k(3);d<jt;++d)t[d]=r[Ze+d]}for(;d<$e;++d)t[d]=t[d-L]}}n.l=h,n.p=ge,n.b=d,n.f=c,h&&(c=1,n.m=w,n.d=x,n.n=b)}while(!c);return d!=t.length&&s?ne(t,0,d):t.subarray(0,d)};var fn=new A(0);var rt=(function(){function e(n,t){typeof n=="function"&&(t=n,n={}),this.ondata=t;var r=n&&n.dictionary&&n.dictionary.subarray(-32768);this.s={i:0,b:r?r.length:0},this.o=new A(32768),this.p=new A(0),r&&this.o.set(r)}return e.prototype.e=function(n){if(this.ondata||k(5),this.d&&k(4),!this.p.length)this.p=n;else if(n.length){var t=new A(this.p.length+n.length);t.set(this.p),t.set(n,this.p.length),this.p=t}},e.prototype.c=function(n){this.s.i=+(this.d=n||!1);var t=this.s.b,r=un(this.p,this.s,this.o);this.ondata(ne(r,t,this.s.b),this.d),this.o=ne(r,this.s.b-32768),this.s.b=this.o.length,this.p=ne(this.p,this.s.p/8|0),this.s.p&=7},e.prototype.push=function(n,t){this.e(n),this.c(t)},e})();var cn=typeof TextDecoder<"u"&&new TextDecoder,dn=0;try{cn.decode(fn,{stream:!0}),dn=1}catch{}var hn=1e4,g=class extends Error{constructor(t){super(t);this.reason=t}reason};function st(e,n){try{return{...pn(e,n)}}catch(t){return t instanceof g?{notInspectable:t.reason}:{notInspectable:"corrupt"}}}function pn(e,n){let t=gn(e),r=new Map(t.map(a=>[a.name,a]));if(r.has("word/document.xml")){let a=t.map(s=>s.name).filter(s=>{let o=s.startsWith("word/")?s.slice(5):"";return(o.startsWith("header")||o.startsWith("footer"))&&o.endsWith(".xml")&&!o.includes("/")||["footnotes.xml","endnotes.xml","comments.xml"].includes(o)}).sort(mn);return{text:it(e,r,["word/document.xml",...a],"word",n),format:"docx"}}let i=null;try{i=lt(e,r,"mimetype",256)}catch{i=null}if(i!==null&&new TextDecoder().decode(i)==="application/vnd.oasis.opendocument.text"){let a=r.has("styles.xml")?["content.xml","styles.xml"]:["content.xml"];return{text:it(e,r,a,"odf",n),format:"odt"}}throw r.has("[Content_Types].xml")&&t.some(a=>a.name.includes("/encryption"))?new g("encrypted"):new g("unsupported-format")}function mn(e,n){let t=new TextEncoder().encode(e),r=new TextEncoder().encode(n);for(let i=0;i<Math.min(t.length,r.length);i++){let a=t[i]-r[i];if(a!==0)return a}return t.length-r.length}function gn(e){let n=new DataView(e.buffer,e.byteOffset,e.byteLength),t=-1;for(let u=e.length-22;u>=Math.max(0,e.length-22-65535);u--)if(n.getUint32(u,!0)===101010256){t=u;break}if(t<0)throw new g("corrupt");let r=n.getUint16(t+10,!0),i=n.getUint32(t+12,!0),a=n.getUint32(t+16,!0);if(r>hn)throw new g("too-large");if(a+i>t)throw new g("corrupt");let s=new TextDecoder,o=[],l=a;for(let u=0;u<r;u++){if(l+46>t||n.getUint32(l,!0)!==33639248)throw new g("corrupt");let c=n.getUint16(l+28,!0),f=l+46+c+n.getUint16(l+30,!0)+n.getUint16(l+32,!0);if(f>t)throw new g("corrupt");o.push({name:s.decode(e.subarray(l+46,l+46+c)),flags:n.getUint16(l+8,!0),method:n.getUint16(l+10,!0),compressedSize:n.getUint32(l+20,!0),size:n.getUint32(l+24,!0),localOffset:n.getUint32(l+42,!0)}),l=f}return o}function lt(e,n,t,r){let i=n.get(t);if(i===void 0)throw new g("corrupt");if((i.flags&1)!==0)throw new g("encrypted");if(i.size>r)throw new g("too-large");let a=new DataView(e.buffer,e.byteOffset,e.byteLength),s=i.localOffset;if(s+30>e.length||a.getUint32(s,!0)!==67324752)throw new g("corrupt");let o=s+30+a.getUint16(s+26,!0)+a.getUint16(s+28,!0),l=e.subarray(o,o+i.compressedSize);if(l.length!==i.compressedSize)throw new g("corrupt");if(i.method===0){if(l.length>r)throw new g("too-large");return l}if(i.method!==8)throw new g("unsupported-format");let u=[],c=0,f=!1,d=new rt((b,$)=>{if(c+=b.length,c>r)throw new g("too-large");u.push(b),$&&(f=!0)}),h=64*1024;for(let b=0;b<l.length;b+=h)d.push(l.subarray(b,Math.min(b+h,l.length)),b+h>=l.length);if(l.length===0&&d.push(new Uint8Array(0),!0),!f)throw new g("corrupt");let x=new Uint8Array(c),w=0;for(let b of u)x.set(b,w),w+=b.length;return x}function it(e,n,t,r,i){let a="";for(let s of t){let o=lt(e,n,s,i.maxPartBytes);if(a!==""&&!a.endsWith(`
`)&&(a+=`
`),a+=xn(o,r),a.length>i.maxTextBytes)throw new g("too-large")}return a}function at(e,n){return e==="word"?n==="w:t"||n==="w:delText":n==="text:p"||n==="text:h"}function ot(e,n){return e==="word"?n==="w:p":n==="text:p"||n==="text:h"}function xn(e,n){let t;try{t=new TextDecoder("utf-8",{fatal:!0}).decode(e)}catch{throw new g("corrupt")}let r=[],i=[],a=0,s=0;for(;s<t.length;){let o=t.indexOf("<",s),l=o<0?t.length:o;if(l>s){if(a>0)r.push(bn(t.slice(s,l)));else if(t.slice(s,l).includes("&")&&/&(?![a-zA-Z]+;|#[0-9]+;|#x[0-9a-fA-F]+;)/.test(t.slice(s,l)))throw new g("corrupt")}if(o<0)break;if(t.startsWith("<!--",o))s=re(t,"-->",o+4);else if(t.startsWith("<![CDATA[",o)){let u=t.indexOf("]]>",o+9);if(u<0)throw new g("corrupt");a>0&&r.push(t.slice(o+9,u)),s=u+3}else if(t.startsWith("<?",o))s=re(t,"?>",o+2);else if(t.startsWith("<!",o)){let u=t.indexOf("[",o),c=t.indexOf(">",o);s=u>=0&&u<c?re(t,"]>",u):re(t,">",o)}else{let u=vn(t,o+1),c=t.slice(o+1,u);if(s=u+1,c.startsWith("/")){let x=c.slice(1).trim();if(i.pop()!==x)throw new g("corrupt");at(n,x)&&(a=Math.max(0,a-1)),ot(n,x)&&r.push(`
`);continue}let f=c.endsWith("/"),d=f?c.slice(0,-1):c,h=/^[^\s/>]+/.exec(d)?.[0];if(h===void 0)throw new g("corrupt");if(!f){i.push(h),at(n,h)&&(a+=1);continue}if(n==="word"&&h==="w:tab"||n==="odf"&&h==="text:tab")r.push("	");else if(n==="word"&&(h==="w:br"||h==="w:cr")||n==="odf"&&h==="text:line-break")r.push(`
`);else if(n==="odf"&&h==="text:s"){let x=/\stext:c\s*=\s*(?:"([0-9]+)"|'([0-9]+)')/.exec(d),w=x===null?1:Number(x[1]??x[2]);r.push(" ".repeat(Math.min(Number.isSafeInteger(w)?w:1,64)))}else ot(n,h)&&r.push(`
`)}}return r.join("")}function re(e,n,t){let r=e.indexOf(n,t);if(r<0)throw new g("corrupt");return r+n.length}function vn(e,n){let t="";for(let r=n;r<e.length;r++){let i=e[r];if(t!=="")i===t&&(t="");else if(i==='"'||i==="'")t=i;else{if(i===">")return r;if(i==="<")break}}throw new g("corrupt")}var yn={amp:"&",lt:"<",gt:">",quot:'"',apos:"'"};function bn(e){return e.replace(/&([^;&]*);|&/g,(n,t)=>{if(t===void 0)throw new g("corrupt");let r=/^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(t);if(r!==null){let i=r[1]!==void 0?parseInt(r[1],16):Number(r[2]);if(!(i>0&&i<=1114111)||i>=55296&&i<=57343)throw new g("corrupt");return String.fromCodePoint(i)}if(!/^[A-Za-z_][\w.-]*$/.test(t))throw new g("corrupt");return yn[t]??""})}var Ae={maxFileBytes:256<<20,maxPartBytes:64<<20,maxTextBytes:64<<20};function ct(e,n,t=Ae){if(e.length>t.maxFileBytes)return{notInspectable:"too-large"};let r;switch(An(e)){case"pdf":r={notInspectable:"pdf"};break;case"zip":r=st(e,t);break;case"image":r={notInspectable:"image"};break;case"unsupported":r={notInspectable:"unsupported-format"};break;case"other":r=Cn(e,n,t.maxTextBytes);break}return"text"in r&&wn(r.text)>t.maxTextBytes?{notInspectable:"too-large"}:r}function wn(e){let n=0;for(let t=0;t<e.length;t++){let r=e.charCodeAt(t);r<128?n+=1:r<2048?n+=2:r>=55296&&r<=56319&&t+1<e.length&&(e.charCodeAt(t+1)&64512)===56320?(n+=4,t+=1):n+=3}return n}var ut=1<<20;function ft(e,n){let t=new TextDecoder(n,{fatal:!0,ignoreBOM:!0});try{for(let r=0;r<e.length;r+=ut)t.decode(e.subarray(r,r+ut),{stream:!0});return t.decode(),!0}catch{return!1}}function y(e,n,t=0){return n.every((r,i)=>e[t+i]===r)}var O=e=>[...e].map(n=>n.charCodeAt(0));function An(e){let n=e.subarray(0,1024),t=O("%PDF-");for(let i=0;i+t.length<=n.length;i++)if(y(n,t,i))return"pdf";return y(e,[80,75,3,4])?"zip":y(e,[137,80,78,71,13,10,26,10])||y(e,[255,216,255])||y(e,O("GIF87a"))||y(e,O("GIF89a"))||y(e,[73,73,42,0])||y(e,[77,77,0,42])||y(e,O("BM"))&&e.length>=10&&y(e,[0,0,0,0],6)||y(e,O("RIFF"))&&y(e,O("WEBP"),8)||y(e,O("ftyp"),4)&&["heic","heix","mif1","avif","msf1"].some(i=>y(e,O(i),8))?"image":y(e,[208,207,17,224,161,177,26,225])||y(e,[82,97,114,33,26,7])||y(e,[55,122,188,175,39,28])||y(e,[31,139])?"unsupported":"other"}function Cn(e,n,t){let r=n===null?-1:n.lastIndexOf("."),i=n===null||r<0?"":n.slice(r+1).toLowerCase(),a=i==="csv"||i==="tsv"?"csv":"text";for(let[l,u]of[[[255,254],"utf-16le"],[[254,255],"utf-16be"]])if(y(e,l)){let c=e.subarray(2);if(c.length/2>t)return ft(c,u)?{notInspectable:"too-large"}:{notInspectable:"unknown-format"};try{return{text:new TextDecoder(u,{fatal:!0,ignoreBOM:!0}).decode(c),format:a}}catch{return{notInspectable:"unknown-format"}}}if(e.includes(0))return{notInspectable:"unknown-format"};let s=e.length>t;if(s&&ft(e,"utf-8"))return{notInspectable:"too-large"};if(!s)try{return{text:new TextDecoder("utf-8",{fatal:!0,ignoreBOM:!0}).decode(e),format:a}}catch{}let o=0;for(let l=0;l<e.length;l++){let u=e[l];u<32&&u!==10&&u!==13&&u!==9&&u!==12&&(o+=1)}return o*100>e.length?{notInspectable:"unknown-format"}:s?{notInspectable:"too-large"}:{text:new TextDecoder("windows-1252").decode(e),format:a}}function C(e){return e!==void 0&&(e>=48&&e<=57||e>=65&&e<=90||e>=97&&e<=122||e===95)}function p(e){return e!==void 0&&e>=48&&e<=57}function N(e){return e!==void 0&&e>=65&&e<=90}function E(e){return e!==void 0&&(e>=48&&e<=57||e>=65&&e<=90||e>=97&&e<=122)}function X(e){return e!==void 0&&(e>=65&&e<=90||e>=97&&e<=122)}function H(e){return e>=97&&e<=122?e-32:e}function ie(e){return e>=65&&e<=90?e+32:e}function _(e,n){let t=e[n];return t===32||t===46||t===45?1:t===194&&e[n+1]===160?2:t===226&&e[n+1]===128&&(e[n+2]===175||e[n+2]===137)?3:0}function ae(e,n,t=e.length){for(let r=n;r<t;r++){let i=e[r];if(i>=48&&i<=57)return r}return-1}function Te(e,n){let t=e[n];return t===void 0?-1:t<128?t:t<224?(t&31)<<6|(e[n+1]??0)&63:t<240?(t&15)<<12|((e[n+1]??0)&63)<<6|(e[n+2]??0)&63:(t&7)<<18|((e[n+1]??0)&63)<<12|((e[n+2]??0)&63)<<6|(e[n+3]??0)&63}function ke(e){return e<128?1:e<224?2:e<240?3:4}var In=/^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]$/u,Sn=new RegExp("^\\p{Alphabetic}$","u"),dt=new Map;function q(e){if(e<0)return!1;if(e<128)return E(e);let n=dt.get(e);return n===void 0&&(n=In.test(String.fromCodePoint(e)),dt.set(e,n)),n}function Tn(e){return e>=0&&(e<128?X(e):Sn.test(String.fromCodePoint(e)))}function oe(e,n){let t=e[n];return t===void 0?!1:t<128?Ee[t]===1:mt(e,n,t)}var Ee=new Uint8Array(128);for(let e=0;e<128;e++)Ee[e]=C(e)?1:0;var ht=new Uint8Array(2048);function mt(e,n,t){if(t<224){let r=(t&31)<<6|(e[n+1]??0)&63,i=ht[r];return i===0&&(i=q(r)?1:2,ht[r]=i),i===1}return q(Te(e,n))}function gt(e,n,t){let r=0,i=-1,a=0,s=e.length;for(;r<s;){let o=e[r];if(o<128){Ee[o]===1?(i<0&&(i=r,a=0),a=Math.imul(a^(o>=65&&o<=90?o+32:o),16777619)>>>0):i>=0&&(Ce(n,a)&&t(i,a),i=-1),r+=1;continue}let l=ke(o);if(mt(e,r,o)){i<0&&(i=r,a=0);for(let u=r;u<r+l;u++)a=Math.imul(a^e[u],16777619)>>>0}else i>=0&&(Ce(n,a)&&t(i,a),i=-1);r+=l}i>=0&&Ce(n,a)&&t(i,a)}function kn(e,n){return Math.imul(e^n,16777619)>>>0}function xt(e){let n=new Uint32Array(2048);for(let t of e)n[(t&65535)>>>5]=n[(t&65535)>>>5]|1<<(t&31);return n}function Ce(e,n){return(e[(n&65535)>>>5]&1<<(n&31))!==0}function vt(e){let n=0,t=0;for(;t<e.length;){let r=e[t],i=1;if(r<128){if(!C(r))break}else{if(!q(Te(e,t)))break;i=ke(r)}for(let a=t;a<t+i;a++)n=kn(n,ie(e[a]));t+=i}return n}function J(e,n,t,r){let i=Math.max(0,n-t);for(let a of r){let s=n-a.length;e:for(let o=i;o<=s;o++){for(let l=0;l<a.length;l++)if(ie(e[o+l])!==a.charCodeAt(l))continue e;return!0}}return!1}function yt(e,n){let t=R(e,n,1,4);if(t===null)return-1;let[r,i]=t;if(i-n===4){if(e[i]!==45)return-1;let c=R(e,i+1,2,2);if(c===null||e[c[1]]!==45)return-1;let f=R(e,c[1]+1,2,2);if(f===null)return-1;let d=f[1];return Ie(r,4)&&Se(f[0],c[0])&&!C(e[d])?d:-1}if(i-n>2)return-1;let a=r,s=e[i];if(s===47||s===45||s===46){let c=R(e,i+1,1,2);if(c===null||e[c[1]]!==s)return-1;let f=R(e,c[1]+1,2,4);if(f===null)return-1;let d=f[1]-c[1]-1;return d!==3&&Ie(f[0],d)&&Se(a,c[0])&&!C(e[f[1]])?f[1]:-1}let o=i;if(a===1&&e[o]===101&&e[o+1]===114&&(o+=2),o=pt(e,o),o<0)return-1;let l=Dn(e,o);if(l===null||(o=pt(e,l[1]),o<0))return-1;let u=R(e,o,4,4);return u===null?-1:Ie(u[0],4)&&Se(a,l[0])&&!C(e[u[1]])?u[1]:-1}function R(e,n,t,r){let i=0,a=n;for(;p(e[a]);){if(a-n===r)return null;i=i*10+(e[a]-48),a+=1}return a-n>=t?[i,a]:null}function pt(e,n){let t=n;for(;;)if(e[t]===32)t+=1;else if(e[t]===194&&e[t+1]===160)t+=2;else if(e[t]===226&&e[t+1]===128&&e[t+2]===175)t+=3;else break;return t>n?t:-1}var En=new Map([["janvier",1],["janv.",1],["février",2],["fevrier",2],["févr.",2],["fevr.",2],["mars",3],["avril",4],["avr.",4],["mai",5],["juin",6],["juillet",7],["juil.",7],["août",8],["aout",8],["septembre",9],["sept.",9],["octobre",10],["oct.",10],["novembre",11],["nov.",11],["décembre",12],["decembre",12],["déc.",12],["dec.",12],["janv",1]]),Un=new TextDecoder;function Dn(e,n){let t=n;for(;t<e.length;){let a=Te(e,t);if(!(a===46||Tn(a)))break;t+=ke(e[t])}let r=Un.decode(e.subarray(n,t)).toLowerCase(),i=En.get(r);return i===void 0?null:[i,t]}function Ie(e,n){return n===2||e>=1900&&e<=2100}function Se(e,n){let t;if(n===2)t=29;else if(n===4||n===6||n===9||n===11)t=30;else if(n>=1&&n<=12)t=31;else return!1;return e>=1&&e<=t}var se=64,K=class{root={next:new Map,pattern:-1};patterns=[];firstWords=new Set;classes=null;transitions=new Int32Array(0);accepting=new Int32Array(0);matchEnd=0;add(n){let t=zn.encode(n);this.firstWords.add(vt(t));let r=this.root;for(let i of t){let a=ie(i),s=r.next.get(a);s===void 0&&(s={next:new Map,pattern:-1},r.next.set(a,s)),r=s}r.pattern<0&&(r.pattern=this.patterns.length),this.patterns.push(t),this.classes=null}mayStart(n){return this.firstWords.has(n)}firstWordHashes(){return this.firstWords}compile(){let n=new Uint8Array(256),t=[],r=new Map,i=[this.root],a=0;for(;i.length>0;){let s=i.shift();r.set(s,t.length),t.push(s);for(let[o,l]of s.next){if(n[o]===0){if(a+=1,a>=se)throw new Error("too many distinct bytes in the dictionary");n[o]=a,o>=97&&o<=122&&(n[o-32]=a)}i.push(l)}}return this.transitions=new Int32Array(t.length*se),this.accepting=new Int32Array(t.length),t.forEach((s,o)=>{this.accepting[o]=s.pattern;for(let[l,u]of s.next)this.transitions[o*se+n[l]]=r.get(u)}),this.classes=n,n}longestAt(n,t){let r=this.classes??this.compile(),i=this.transitions,a=0,s=-1;for(let o=t;o<n.length;o++){let l=r[n[o]];if(l===0||(a=i[a*se+l],a===0))break;let u=this.accepting[a];u>=0&&(s=u,this.matchEnd=o+1)}return s}},zn=new TextEncoder;function le(e){let n=e.toLowerCase(),t=[n,n.toUpperCase()],r=[...n].map(Ln).join("");[...r].length>=4&&t.push(r);for(let i of[...t])i.includes("'")?t.push(i.replaceAll("'","’")):i.includes("’")&&t.push(i.replaceAll("’","'"));return t.sort(Mn),t.filter((i,a)=>a===0||i!==t[a-1])}function Mn(e,n){let t=[...e],r=[...n];for(let i=0;i<Math.min(t.length,r.length);i++){let a=(t[i].codePointAt(0)??0)-(r[i].codePointAt(0)??0);if(a!==0)return a}return t.length-r.length}function Ln(e){switch(e){case"à":case"â":case"ä":case"á":return"a";case"é":case"è":case"ê":case"ë":return"e";case"î":case"ï":case"í":return"i";case"ô":case"ö":case"ó":return"o";case"ù":case"û":case"ü":case"ú":return"u";case"ç":return"c";case"ÿ":return"y";case"œ":return"oe";case"æ":return"ae";default:return e}}var Ct=64,On=[["né","birth"],["née","birth"],["né(e)","birth"],["naissance","birth"],["ddn","birth"],["date of birth","birth"],["birth date","birth"],["born","birth"],["dob","birth"],["cni","cni"],["carte nationale d'identité","cni"],["carte nationale d’identité","cni"],["carte d'identité","cni"],["carte d’identité","cni"],["pièce d'identité","cni"],["pièce d’identité","cni"],["identity card","cni"],["passeport","passport"],["passport","passport"],["adeli","adeli"]];function It(){let e=new K,n=[];for(let[t,r]of On)for(let i of le(t))e.add(i),n.push(r);return{dictionary:e,triggers:n}}function St(e,n,t,r){let i=0;for(let s of t){if(s<i)continue;let o=e.dictionary.longestAt(n,s);if(o<0)continue;let l=e.dictionary.matchEnd;if(oe(n,l))continue;let u=e.triggers[o];if(u===void 0)continue;i=l;let c;switch(u){case"birth":c=Bn(n,l);break;case"cni":c=At(n,l,a);break;case"passport":c=At(n,l,(f,d)=>Rn(n,f,d)?Nn:null);break;case"adeli":c=qn(n,l);break}c!==null&&r.push(c)}function a(s,o){if(o-s===12)return bt(n,s,s+4)&&wt(n,s+4,s+7)&&bt(n,s+7,o)?Fn:null;if(o-s!==9||!wt(n,s,o))return null;let l=!1,u=!1;for(let c=s;c<o;c++)p(n[c])?l=!0:u=!0;return l&&u?Pn:null}}var Nn=["passport",.9],Fn=["cni",.85],Pn=["cni",.8];function bt(e,n,t){for(let r=n;r<t;r++)if(!p(e[r]))return!1;return!0}function wt(e,n,t){for(let r=n;r<t;r++)if(!(p(e[r])||N(e[r])))return!1;return!0}function Tt(e,n){let t=Math.min(n+Ct,e.length),r=ae(e,n,t);return r<0||r>0&&C(e[r-1])?-1:r}function Bn(e,n){let t=Tt(e,n);if(t<0)return null;let r=yt(e,t);return r<0?null:{kind:"birthdate",start:t,end:r,confidence:v(.9)}}function At(e,n,t){let r=Math.min(n+Ct,e.length),i=n;for(;i<r;){if(!C(e[i])){i+=1;continue}let a=i;for(;C(e[a]);)a+=1;let s=t(i,a);if(s!==null)return{kind:s[0],start:i,end:a,confidence:v(s[1])};i=a}return null}function Rn(e,n,t){if(t-n!==9)return!1;for(let r=n;r<t;r++){let i=r-n;if(i===2||i===3?!N(e[r]):!p(e[r]))return!1}return!0}function qn(e,n){let t=Tt(e,n);if(t<0)return null;let r=t,i=0;for(;;){let a=r;for(;p(e[a]);)a+=1;if(i+=a-r,i>9||C(e[a]))return null;let s=_(e,a);if(i===9)return s>0&&p(e[a+s])?null:{kind:"adeli",start:t,end:a,confidence:v(.85)};if(s===0||!p(e[a+s]))return null;r=a+s}}var kt=`# French health terms for the \`health\` detector: term, weight, category.
# Weight (0-1): how strongly the term alone points to health data; a match is reported
# when its weight plus the boost of nearby terms and context words reaches 0.5.
# Categories: diagnosis, treatment, disability, care; \`context\` words are never reported,
# they only raise the score of terms near them. A term written in capitals (VIH, AVC) is
# an acronym and matches only in capitals; others ignore case and accents.
# Sources: common French terms of clinical and social-care writing (ALD list, CIM-10
# chapter titles, medico-social services); no personal data.
# diagnoses
cancer	0.6	diagnosis
cancer du sein	0.9	diagnosis
cancer du poumon	0.9	diagnosis
cancer de la prostate	0.9	diagnosis
cancer colorectal	0.9	diagnosis
tumeur	0.6	diagnosis
tumeur maligne	0.9	diagnosis
tumeur bénigne	0.8	diagnosis
carcinome	0.9	diagnosis
adénocarcinome	0.9	diagnosis
sarcome	0.9	diagnosis
lymphome	0.9	diagnosis
leucémie	0.9	diagnosis
myélome	0.9	diagnosis
mélanome	0.9	diagnosis
glioblastome	0.9	diagnosis
métastase	0.9	diagnosis
métastases	0.9	diagnosis
néoplasie	0.9	diagnosis
oncologie	0.7	care
diabète	0.7	diagnosis
diabète de type 1	0.9	diagnosis
diabète de type 2	0.9	diagnosis
diabétique	0.7	diagnosis
diabète gestationnel	0.9	diagnosis
hypertension artérielle	0.8	diagnosis
hypertension	0.5	diagnosis
HTA	0.6	diagnosis
hypercholestérolémie	0.8	diagnosis
infarctus	0.7	diagnosis
infarctus du myocarde	0.9	diagnosis
insuffisance cardiaque	0.9	diagnosis
insuffisance rénale	0.9	diagnosis
insuffisance respiratoire	0.9	diagnosis
insuffisance hépatique	0.9	diagnosis
cardiopathie	0.9	diagnosis
arythmie	0.8	diagnosis
fibrillation auriculaire	0.9	diagnosis
angine de poitrine	0.8	diagnosis
AVC	0.7	diagnosis
accident vasculaire cérébral	0.9	diagnosis
embolie pulmonaire	0.9	diagnosis
thrombose	0.8	diagnosis
phlébite	0.8	diagnosis
anévrisme	0.8	diagnosis
cirrhose	0.9	diagnosis
hépatite	0.8	diagnosis
hépatite B	0.9	diagnosis
hépatite C	0.9	diagnosis
VIH	0.9	diagnosis
sida	0.8	diagnosis
séropositif	0.9	diagnosis
séropositive	0.9	diagnosis
séropositivité	0.9	diagnosis
infection sexuellement transmissible	0.9	diagnosis
IST	0.45	diagnosis
syphilis	0.9	diagnosis
tuberculose	0.9	diagnosis
méningite	0.9	diagnosis
septicémie	0.9	diagnosis
pneumonie	0.7	diagnosis
bronchite chronique	0.8	diagnosis
covid-19	0.5	diagnosis
covid long	0.8	diagnosis
épilepsie	0.9	diagnosis
épileptique	0.8	diagnosis
crise d'épilepsie	0.9	diagnosis
maladie d'Alzheimer	0.9	diagnosis
alzheimer	0.8	diagnosis
maladie de Parkinson	0.9	diagnosis
parkinson	0.7	diagnosis
démence	0.7	diagnosis
troubles cognitifs	0.8	diagnosis
sclérose en plaques	0.9	diagnosis
sclérose latérale amyotrophique	0.9	diagnosis
maladie de Charcot	0.9	diagnosis
myopathie	0.9	diagnosis
mucoviscidose	0.9	diagnosis
drépanocytose	0.9	diagnosis
hémophilie	0.9	diagnosis
maladie de Crohn	0.9	diagnosis
rectocolite hémorragique	0.9	diagnosis
maladie cœliaque	0.8	diagnosis
polyarthrite rhumatoïde	0.9	diagnosis
spondylarthrite	0.9	diagnosis
lupus	0.8	diagnosis
fibromyalgie	0.9	diagnosis
arthrose	0.6	diagnosis
ostéoporose	0.7	diagnosis
hernie discale	0.7	diagnosis
lombalgie	0.6	diagnosis
asthme	0.7	diagnosis
asthmatique	0.7	diagnosis
BPCO	0.8	diagnosis
bronchopneumopathie chronique obstructive	0.9	diagnosis
apnée du sommeil	0.8	diagnosis
hypothyroïdie	0.8	diagnosis
hyperthyroïdie	0.8	diagnosis
obésité	0.6	diagnosis
obésité morbide	0.9	diagnosis
anorexie	0.7	diagnosis
anorexie mentale	0.9	diagnosis
boulimie	0.8	diagnosis
troubles du comportement alimentaire	0.9	diagnosis
dénutrition	0.7	diagnosis
schizophrénie	0.9	diagnosis
schizophrène	0.9	diagnosis
trouble bipolaire	0.9	diagnosis
troubles bipolaires	0.9	diagnosis
bipolaire	0.6	diagnosis
psychose	0.9	diagnosis
paranoïa	0.7	diagnosis
dépression	0.4	diagnosis
syndrome dépressif	0.9	diagnosis
épisode dépressif	0.9	diagnosis
état dépressif	0.9	diagnosis
dépressif	0.6	diagnosis
dépressive	0.6	diagnosis
burn-out	0.6	diagnosis
trouble anxieux	0.8	diagnosis
troubles anxieux	0.8	diagnosis
trouble panique	0.8	diagnosis
attaques de panique	0.7	diagnosis
anxiété généralisée	0.8	diagnosis
phobie	0.5	diagnosis
trouble obsessionnel compulsif	0.9	diagnosis
TOC	0.6	diagnosis
stress post-traumatique	0.9	diagnosis
syndrome de stress post-traumatique	0.9	diagnosis
trouble de la personnalité	0.9	diagnosis
personnalité borderline	0.9	diagnosis
autisme	0.8	diagnosis
autiste	0.8	diagnosis
trouble du spectre de l'autisme	0.9	diagnosis
TSA	0.45	diagnosis
syndrome d'Asperger	0.9	diagnosis
TDAH	0.8	diagnosis
hyperactivité	0.5	diagnosis
trouble du déficit de l'attention	0.9	diagnosis
dyslexie	0.7	diagnosis
dyspraxie	0.7	diagnosis
trisomie 21	0.9	diagnosis
trisomie	0.8	diagnosis
syndrome de Down	0.9	diagnosis
infirmité motrice cérébrale	0.9	diagnosis
paralysie cérébrale	0.9	diagnosis
addiction	0.5	diagnosis
alcoolisme	0.8	diagnosis
alcoolodépendance	0.9	diagnosis
dépendance à l'alcool	0.9	diagnosis
toxicomanie	0.8	diagnosis
toxicomane	0.8	diagnosis
usage de stupéfiants	0.7	diagnosis
tentative de suicide	0.9	diagnosis
idées suicidaires	0.9	diagnosis
risque suicidaire	0.9	diagnosis
automutilation	0.9	diagnosis
scarifications	0.7	diagnosis
grossesse	0.5	diagnosis
enceinte	0.5	diagnosis
grossesse extra-utérine	0.9	diagnosis
interruption volontaire de grossesse	0.9	care
IVG	0.9	care
interruption médicale de grossesse	0.9	care
fausse couche	0.7	diagnosis
infertilité	0.8	diagnosis
stérilité	0.6	diagnosis
endométriose	0.9	diagnosis
ménopause	0.5	diagnosis
dysfonction érectile	0.9	diagnosis
cataracte	0.7	diagnosis
glaucome	0.8	diagnosis
dégénérescence maculaire	0.9	diagnosis
rétinopathie	0.9	diagnosis
acouphènes	0.6	diagnosis
migraine	0.5	diagnosis
maladie rare	0.7	diagnosis
maladie chronique	0.7	diagnosis
maladie génétique	0.8	diagnosis
allergie	0.4	diagnosis
eczéma	0.5	diagnosis
psoriasis	0.7	diagnosis
pathologie	0.4	diagnosis
comorbidité	0.7	diagnosis
comorbidités	0.7	diagnosis
fracture	0.4	diagnosis
traumatisme crânien	0.8	diagnosis
coma	0.6	diagnosis
état végétatif	0.9	diagnosis
escarre	0.8	diagnosis
incontinence	0.8	diagnosis
insuffisance veineuse	0.8	diagnosis
# treatments
chimiothérapie	0.9	treatment
radiothérapie	0.9	treatment
immunothérapie	0.8	treatment
hormonothérapie	0.8	treatment
curiethérapie	0.9	treatment
trithérapie	0.9	treatment
traitement antirétroviral	0.9	treatment
antirétroviral	0.9	treatment
antirétroviraux	0.9	treatment
PrEP	0.8	treatment
prophylaxie pré-exposition	0.9	treatment
insuline	0.6	treatment
insulinothérapie	0.9	treatment
metformine	0.8	treatment
antidépresseur	0.8	treatment
antidépresseurs	0.8	treatment
anxiolytique	0.8	treatment
anxiolytiques	0.8	treatment
neuroleptique	0.9	treatment
neuroleptiques	0.9	treatment
antipsychotique	0.9	treatment
antipsychotiques	0.9	treatment
benzodiazépine	0.8	treatment
benzodiazépines	0.8	treatment
thymorégulateur	0.9	treatment
hypnotique	0.5	treatment
somnifère	0.6	treatment
somnifères	0.6	treatment
lithium	0.5	treatment
méthadone	0.9	treatment
buprénorphine	0.9	treatment
Subutex	0.9	treatment
traitement de substitution aux opiacés	0.9	treatment
morphine	0.7	treatment
opioïde	0.7	treatment
opioïdes	0.7	treatment
tramadol	0.7	treatment
codéine	0.6	treatment
oxycodone	0.8	treatment
fentanyl	0.7	treatment
paracétamol	0.4	treatment
ibuprofène	0.4	treatment
anti-inflammatoire	0.4	treatment
corticoïdes	0.6	treatment
corticothérapie	0.8	treatment
antibiotique	0.4	treatment
antibiotiques	0.4	treatment
antibiothérapie	0.7	treatment
anticoagulant	0.7	treatment
anticoagulants	0.7	treatment
antiagrégant plaquettaire	0.8	treatment
bêtabloquant	0.7	treatment
antihypertenseur	0.7	treatment
statine	0.6	treatment
statines	0.6	treatment
lévothyrox	0.7	treatment
lévothyroxine	0.7	treatment
valproate	0.8	treatment
dépakine	0.9	treatment
antiépileptique	0.9	treatment
antiépileptiques	0.9	treatment
rispéridone	0.9	treatment
olanzapine	0.9	treatment
clozapine	0.9	treatment
aripiprazole	0.9	treatment
halopéridol	0.9	treatment
quétiapine	0.9	treatment
sertraline	0.9	treatment
fluoxétine	0.9	treatment
paroxétine	0.9	treatment
escitalopram	0.9	treatment
citalopram	0.9	treatment
venlafaxine	0.9	treatment
duloxétine	0.9	treatment
mirtazapine	0.9	treatment
alprazolam	0.9	treatment
bromazépam	0.9	treatment
diazépam	0.9	treatment
lorazépam	0.9	treatment
oxazépam	0.9	treatment
zolpidem	0.8	treatment
zopiclone	0.8	treatment
prégabaline	0.8	treatment
gabapentine	0.8	treatment
méthylphénidate	0.9	treatment
ritaline	0.9	treatment
méthotrexate	0.9	treatment
tamoxifène	0.9	treatment
létrozole	0.9	treatment
trastuzumab	0.9	treatment
adalimumab	0.9	treatment
interféron	0.8	treatment
warfarine	0.8	treatment
apixaban	0.8	treatment
rivaroxaban	0.8	treatment
héparine	0.7	treatment
dialyse	0.8	treatment
hémodialyse	0.9	treatment
dialyse péritonéale	0.9	treatment
greffe	0.5	treatment
greffe de rein	0.9	treatment
greffe de moelle	0.9	treatment
transplantation	0.7	treatment
transplantation rénale	0.9	treatment
transfusion	0.7	treatment
pontage coronarien	0.9	treatment
angioplastie	0.9	treatment
stimulateur cardiaque	0.8	treatment
pacemaker	0.7	treatment
prothèse de hanche	0.8	treatment
mastectomie	0.9	treatment
hystérectomie	0.9	treatment
appendicectomie	0.8	treatment
amputation	0.8	treatment
stomie	0.9	treatment
trachéotomie	0.9	treatment
sonde urinaire	0.8	treatment
oxygénothérapie	0.8	treatment
ventilation non invasive	0.8	treatment
électroconvulsivothérapie	0.9	treatment
sismothérapie	0.9	treatment
psychothérapie	0.7	treatment
thérapie cognitivo-comportementale	0.8	treatment
sevrage	0.5	treatment
sevrage alcoolique	0.9	treatment
cure de désintoxication	0.9	treatment
traitement	0.2	treatment
posologie	0.6	treatment
ordonnance	0.35	care
prescription médicale	0.6	care
vaccination	0.3	treatment
contraception	0.5	treatment
pilule contraceptive	0.7	treatment
procréation médicalement assistée	0.9	treatment
PMA	0.6	treatment
fécondation in vitro	0.9	treatment
FIV	0.5	treatment
# disability
handicap	0.5	disability
situation de handicap	0.6	disability
handicap psychique	0.9	disability
handicap mental	0.9	disability
handicap moteur	0.9	disability
handicap sensoriel	0.9	disability
polyhandicap	0.9	disability
polyhandicapé	0.9	disability
handicapé	0.5	disability
handicapée	0.5	disability
invalidité	0.6	disability
pension d'invalidité	0.8	disability
carte mobilité inclusion	0.8	disability
carte d'invalidité	0.8	disability
taux d'incapacité	0.8	disability
incapacité permanente	0.8	disability
allocation aux adultes handicapés	0.9	disability
AAH	0.7	disability
allocation d'éducation de l'enfant handicapé	0.9	disability
AEEH	0.8	disability
prestation de compensation du handicap	0.9	disability
PCH	0.6	disability
reconnaissance de la qualité de travailleur handicapé	0.9	disability
RQTH	0.8	disability
MDPH	0.7	disability
maison départementale des personnes handicapées	0.8	disability
CDAPH	0.8	disability
ESAT	0.6	disability
IME	0.45	disability
ITEP	0.6	disability
SESSAD	0.7	disability
foyer d'accueil médicalisé	0.8	disability
maison d'accueil spécialisée	0.8	disability
paraplégie	0.9	disability
paraplégique	0.9	disability
tétraplégie	0.9	disability
tétraplégique	0.9	disability
hémiplégie	0.9	disability
hémiplégique	0.9	disability
fauteuil roulant	0.6	disability
surdité	0.7	disability
sourd	0.4	disability
malentendant	0.6	disability
malentendante	0.6	disability
appareil auditif	0.6	disability
implant cochléaire	0.9	disability
cécité	0.8	disability
non-voyant	0.7	disability
malvoyant	0.7	disability
malvoyante	0.7	disability
déficience visuelle	0.8	disability
déficience intellectuelle	0.9	disability
retard mental	0.9	disability
retard psychomoteur	0.9	disability
perte d'autonomie	0.6	disability
dépendance	0.25	disability
GIR	0.4	disability
allocation personnalisée d'autonomie	0.7	disability
APA	0.4	disability
aidant familial	0.5	disability
aide humaine	0.4	disability
tutelle	0.4	disability
curatelle	0.5	disability
mesure de protection juridique	0.6	disability
# care
hospitalisation	0.6	care
hospitalisé	0.6	care
hospitalisée	0.6	care
hospitalisation complète	0.8	care
hospitalisation de jour	0.8	care
hospitalisation à domicile	0.8	care
hospitalisation sous contrainte	0.9	care
soins psychiatriques	0.9	care
soins psychiatriques sans consentement	0.9	care
soins sans consentement	0.9	care
hospitalisation d'office	0.9	care
mise en chambre d'isolement	0.9	care
contention	0.5	care
psychiatrie	0.7	care
psychiatre	0.6	care
pédopsychiatre	0.8	care
pédopsychiatrie	0.8	care
psychologue	0.4	care
centre médico-psychologique	0.8	care
CMP	0.5	care
CMPP	0.7	care
CSAPA	0.8	care
CAARUD	0.8	care
addictologie	0.8	care
addictologue	0.8	care
soins palliatifs	0.9	care
fin de vie	0.6	care
directives anticipées	0.8	care
réanimation	0.7	care
soins intensifs	0.8	care
urgences psychiatriques	0.9	care
passage aux urgences	0.6	care
bloc opératoire	0.7	care
intervention chirurgicale	0.7	care
compte rendu opératoire	0.9	care
compte rendu d'hospitalisation	0.9	care
compte rendu de consultation	0.8	care
lettre de liaison	0.6	care
dossier médical	0.7	care
dossier médical partagé	0.8	care
secret médical	0.6	care
certificat médical	0.7	care
arrêt de travail	0.6	care
arrêt maladie	0.7	care
congé maladie	0.6	care
congé de longue maladie	0.9	care
congé de longue durée	0.7	care
affection de longue durée	0.9	care
ALD	0.6	care
ALD 30	0.9	care
accident du travail	0.5	care
maladie professionnelle	0.6	care
médecine du travail	0.5	care
inaptitude	0.5	care
mi-temps thérapeutique	0.9	care
temps partiel thérapeutique	0.9	care
biopsie	0.8	care
IRM	0.5	care
scanner cérébral	0.8	care
scintigraphie	0.8	care
radiographie	0.4	care
échographie	0.5	care
mammographie	0.8	care
coloscopie	0.8	care
endoscopie	0.7	care
électrocardiogramme	0.7	care
électroencéphalogramme	0.8	care
bilan sanguin	0.5	care
prise de sang	0.5	care
analyses de sang	0.5	care
sérologie	0.7	care
charge virale	0.9	care
glycémie	0.7	care
hémoglobine glyquée	0.9	care
HbA1c	0.9	care
test de grossesse	0.8	care
dépistage	0.4	care
kinésithérapie	0.5	care
kinésithérapeute	0.4	care
orthophonie	0.6	care
orthophoniste	0.5	care
ergothérapie	0.6	care
rééducation	0.5	care
rééducation fonctionnelle	0.7	care
soins infirmiers	0.6	care
soins à domicile	0.6	care
SSIAD	0.7	care
HAD	0.45	care
EHPAD	0.5	care
unité de soins de longue durée	0.8	care
USLD	0.7	care
soins de suite et de réadaptation	0.8	care
SSR	0.4	care
maternité	0.4	care
accouchement	0.5	care
césarienne	0.8	care
suivi de grossesse	0.8	care
PMI	0.45	care
planning familial	0.6	care
consultation mémoire	0.9	care
médecin traitant	0.5	care
antécédents médicaux	0.8	care
antécédents psychiatriques	0.9	care
antécédents chirurgicaux	0.8	care
diagnostic	0.3	care
pronostic vital	0.8	care
symptômes	0.4	care
effets indésirables	0.6	care
allergie médicamenteuse	0.8	care
carnet de santé	0.7	care
carte vitale	0.5	care
complémentaire santé solidaire	0.6	care
aide médicale de l'état	0.7	care
AME	0.4	care
# context words: raise the score of nearby terms, never reported alone
patient	0	context
patiente	0	context
patients	0	context
diagnostiqué	0	context
diagnostiquée	0	context
atteint de	0	context
atteinte de	0	context
souffre de	0	context
souffrant de	0	context
suivi pour	0	context
suivie pour	0	context
traité pour	0	context
traitée pour	0	context
antécédents	0	context
médecin	0	context
docteur	0	context
Dr	0	context
hôpital	0	context
clinique	0	context
CHU	0	context
CHS	0	context
service de	0	context
prescrit	0	context
prescrite	0	context
examen clinique	0	context
consultation	0	context
infirmière	0	context
infirmier	0	context
santé	0	context
médical	0	context
médicale	0	context
thérapeutique	0	context
`;var Kn=v(.5),Et=200,Wn=v(.15),$n=3,Zn=v(.25);function Ut(e=kt){let n=new K,t=[],r=0;return e.split(`
`).forEach((i,a,s)=>{if(a===s.length-1&&i==="")return;let o=i.trim();if(o===""||o.startsWith("#"))return;let[l,u,c]=o.split("	");if(l===void 0||u===void 0||c===void 0)return;let f=Gn(u.trim());if(f===null)return;let d=new RegExp("\\p{Alphabetic}","u").test(l)&&!new RegExp("\\p{Lowercase}","u").test(l),h={id:a,weight:f,context:c.trim()==="context",exactCase:d};r+=1;for(let x of d?[l]:le(l))n.add(x),t.push(h)}),{dictionary:n,terms:t,lines:r}}function Gn(e){return/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(e)?v(Number(e)):null}function jn(e,n){if(e.length!==n.length)return!1;for(let t=0;t<e.length;t++)if(e[t]!==n[t])return!1;return!0}function Dt(e,n,t,r){let i=[],a=0;for(let l of t){if(l<a)continue;let u=e.dictionary.longestAt(n,l);if(u<0)continue;let c=e.dictionary.matchEnd,f=e.terms[u],d=e.dictionary.patterns[u];f===void 0||d===void 0||f.exactCase&&!jn(d,n.subarray(l,c))||oe(n,c)||(a=c,i.push({start:l,end:c,term:f}))}let s=0,o=0;for(let l of i){if(l.term.context)continue;for(;i[s].end+Et<l.start;)s+=1;for(;o+1<i.length&&i[o+1].start<=l.end+Et;)o+=1;let u=[],c=!1;for(let d=s;d<=o;d++){let h=i[d].term;h.id!==l.term.id&&(h.context?c=!0:!u.includes(h.id)&&u.length<$n&&u.push(h.id))}let f=v(l.term.weight+v(Wn*u.length));f=v(f+(c?Zn:0)),f=Math.min(f,1),f>=Kn&&r.push({kind:"health",start:l.start,end:l.end,confidence:f})}}var Vn={nir:[3,2],iban:[4,2],card:[0,4],rib:[0,2],cni:[0,2],passport:[0,2],birthdate:[0,2],email:[1,2],health:[1,0],finess:[2,2],rpps:[2,2],adeli:[2,2],siren:[2,2],siret:[2,2],phone:[2,2]},Yn=new TextDecoder;function zt(e,n){let t=0;for(let o of n){if(o>=128)return Xn(e,Yn.decode(n));E(o)&&(t+=1)}let[r,i]=Mt(e,t),a="",s=0;for(let o=0;o<n.length;o++){let l=n[o];E(l)&&(s<r||s>=t-i||(l=42),s+=1),a+=String.fromCharCode(l)}return a}function Mt(e,n){let[t,r]=Vn[e];for(;t+r>0&&2*(t+r)>n;)r>=t?r-=1:t-=1;return[t,r]}function Xn(e,n){let t=[...n],r=t.filter(l=>q(l.codePointAt(0)??-1)).length,[i,a]=Mt(e,r),s=0,o="";for(let l of t){if(!q(l.codePointAt(0)??-1)){o+=l;continue}o+=s<i||s>=r-a?l:"*",s+=1}return o}var _n=64,Jn=253;function Lt(e,n){let t=0,r=e.indexOf(64);for(;r>=0;){if(r>=t){let i=tr(e,r,t),a=i<0?-1:nr(e,r+1);i>=0&&a>=0&&(n.push({kind:"email",start:i,end:a,confidence:v(.95)}),t=a)}r=Qn(e,r+1)}}function Qn(e,n){let t=Math.min(n+32,e.length);for(let r=n;r<t;r++)if(e[r]===64)return r;return t<e.length?e.indexOf(64,t):-1}function er(e){return E(e)||e===46||e===95||e===37||e===43||e===45||e===39}function tr(e,n,t){let r=n;for(;r>t&&er(e[r-1]);)if(r-=1,n-r>_n)return-1;for(;r<n&&(e[r]===46||e[r]===39);)r+=1;return r<n?r:-1}function nr(e,n){let t=n;for(;t<e.length&&(E(e[t])||e[t]===46||e[t]===45);)if(t+=1,t-n>Jn)return-1;for(;t>n&&(e[t-1]===46||e[t-1]===45);)t-=1;let r=-1,i=n;for(let a=n;a<=t;a++)if(a===t||e[a]===46){if(a===i||e[i]===45)return-1;a<t&&(r=a),i=a+1}if(r<0||t-r-1<2)return-1;for(let a=r+1;a<t;a++)if(!X(e[a]))return-1;return t}function Q(e){if(e.length===0)return!1;let n=0;for(let t=0;t<e.length;t++){let r=e[e.length-1-t];if(!p(r))return!1;let i=r-48;t%2===1&&(i*=2,i>9&&(i-=9)),n+=i}return n%10===0}function Ue(e){let n=0;for(let t=0;t<e.length;t++){let r=e[t];if(!p(r))return-1;n=(n*10+(r-48))%97}return n}function Ot(e,n){return p(e)&&p(n)?(e-48)*10+(n-48):-1}function De(e){if(e.length!==15)return!1;let n=e[0];if(!(n===49||n===50||n===51||n===52||n===55||n===56))return!1;let[t,r,i,a,s]=[e[1],e[2],e[3],e[4],e[5]];if(!(p(t)&&p(r)&&p(i)&&p(a)))return!1;let o=(i-48)*10+(a-48);if(!(o>=1&&o<=12||o===20||o>=30&&o<=42||o>=50))return!1;let l=H(e[6]),u,c;if(s===50&&l===65)[u,c]=[49,57];else if(s===50&&l===66)[u,c]=[49,56];else if(p(s)&&p(l)&&!(s===48&&l===48))[u,c]=[s,l];else return!1;if(e[10]===48&&e[11]===48&&e[12]===48)return!1;let f=0;for(let h of[n,t,r,i,a,u,c])f=(f*10+(h-48))%97;for(let h=7;h<13;h++){let x=e[h];if(!p(x))return!1;f=(f*10+(x-48))%97}let d=Ot(e[13],e[14]);return d>=0&&d===97-f}function Nt(e){if(e.length<4||ze(e[0],e[1])!==e.length||!p(e[2])||!p(e[3]))return!1;for(let t=4;t<e.length;t++)if(!E(e[t]))return!1;let n=0;for(let t=0;t<e.length;t++){let r=e[(t+4)%e.length],i;if(p(r))i=r-48;else if(r>=65&&r<=90)i=r-65+10;else if(r>=97&&r<=122)i=r-97+10;else return!1;n=i<10?(n*10+i)%97:(n*100+i)%97}return n===1}function ze(e,n){return rr.get(String.fromCharCode(e,n))??-1}var rr=new Map(Object.entries({AD:24,AE:23,AL:28,AT:20,AZ:28,BA:20,BE:16,BG:22,BH:22,BI:27,BR:29,BY:28,CH:21,CR:22,CY:28,CZ:24,DE:22,DJ:27,DK:18,DO:28,EE:20,EG:29,ES:24,FI:18,FK:18,FO:18,FR:27,GB:22,GE:22,GI:23,GL:18,GR:27,GT:28,HN:28,HR:21,HU:28,IE:22,IL:23,IQ:23,IS:26,IT:27,JO:30,KW:30,KZ:20,LB:28,LC:32,LI:21,LT:20,LU:20,LV:21,LY:25,MC:27,MD:24,ME:22,MK:19,MN:20,MR:27,MT:31,MU:30,NI:28,NL:18,NO:15,OM:23,PK:24,PL:28,PS:29,PT:25,QA:29,RO:24,RS:22,RU:33,SA:24,SC:31,SD:18,SE:24,SI:19,SK:24,SM:27,SO:23,ST:25,SV:28,TL:23,TN:24,TR:26,UA:29,VA:22,VG:24,XK:20,YE:30}));function Me(e){if(e.length!==23)return!1;let n=[];for(let s of e.subarray(10,21)){let o=ir(s);if(o<0)return!1;n.push(o)}let t=Ue(e.subarray(0,5)),r=Ue(e.subarray(5,10)),i=Ue(n),a=Ot(e[21],e[22]);return t<0||r<0||i<0||a<0?!1:a===97-(89*t+15*r+3*i)%97}function ir(e){let n=H(e);return p(n)?n:n>=65&&n<=73?49+(n-65):n>=74&&n<=82?49+(n-74):n>=83&&n<=90?50+(n-83):-1}function Ft(e){if(e.length!==14||!e.every(t=>p(t)))return!1;if(Q(e))return!0;let n=e.reduce((t,r)=>t+r-48,0);return String.fromCharCode(...e.subarray(0,9))==="356000000"&&n%5===0}function Pt(e){return ar(e)&&Q(e)}function ar(e){let n=e.length;if(n<12||n>19||!e.every(i=>p(i)))return!1;let t=i=>e.subarray(0,i).reduce((a,s)=>a*10+s-48,0),r=e[0];if(r===52)return n===13||n===16||n===19;if(r===51){let i=t(2);if(i===34||i===37)return n===15;let a=t(4);if(a>=3528&&a<=3589)return n>=16;let s=t(3);return i===36||i===38||i===39||s>=300&&s<=305?n>=14:!1}if(r===53){let i=t(2);return i>=51&&i<=55?n===16:i===50||i>=56&&i<=58}if(r===50){let i=t(4);return i>=2221&&i<=2720&&n===16}return r===54}var fe=23,ue=40,W=4*fe,Oe=class{count=0;truncated=!1;starts=new Int32Array(W);ends=new Int32Array(W);compactStarts=new Int32Array(W);compactEnds=new Int32Array(W);compact=new Uint8Array(W*64);compactLength=0;span={start:0,end:0,boundaries:0,atRunStart:!1};spans=Array.from({length:fe+1},(n,t)=>new Uint8Array(t));collect(n,t){this.count=0,this.compactLength=0,this.truncated=!1;let r=t;for(;;){let i=Ne(n,r);if(!Cr(n,r,i))return this.count===0?i:r;if(this.count===W)return this.truncated=!0,r;let a=this.compactLength;if(this.compactLength+(i-r)>this.compact.length){let l=new Uint8Array(2*(this.compactLength+(i-r)));l.set(this.compact.subarray(0,this.compactLength)),this.compact=l}for(let l=r;l<i;l++)this.compact[this.compactLength++]=H(n[l]);this.starts[this.count]=r,this.ends[this.count]=i,this.compactStarts[this.count]=a,this.compactEnds[this.count]=this.compactLength,this.count+=1;let s=_(n,i),o=i+s;if(s===0||!p(n[o]))return i;r=o}}classify(n,t,r,i,a){let s=this.span;for(let o=0;o<i;o++){let l=this.compactStarts[o],u=0;for(let c=o;c<this.count;c++){let f=this.compactEnds[c],d=f-l;if(d>fe||c-o>=2&&f-this.compactStarts[c]===1)break;if(d>=9){s.start=this.starts[o],s.end=this.ends[c],s.boundaries=u,s.atRunStart=r&&o===0;let h=this.spans[d];for(let w=0;w<d;w++)h[w]=this.compact[l+w];let x=wr(n,h,s,t);x!==null&&a.push(x)}u|=1<<d}}}};function z(e){return e.reduce((n,t)=>n|1<<t,0)}var sr=z([3,6]),lr=z([2,3,6]),ur=z([2,4,6,8]),fr=z([2,3,5,7,9]),cr=z([4,5,7,9,11]),dr=z([3,6,9]),Bt=z([1,3,5,7,10,13]),Rt=z([5,10,21]),hr=z([4,8,12,16]),pr=z([4,10]);function U(e,n){return(e.boundaries&~n)===0}function mr(e,n){return e.boundaries===0||e.boundaries===n}function gr(e){for(let n=0;n<e.length;n++)if(X(e[n]))return!0;return!1}var xr=["adeli"],vr=["finess"],yr=["siren","siret","rcs","entreprise","societe"],br=["rpps"];function S(e,n,t){return{kind:n,start:e.start,end:e.end,confidence:v(t)}}function Le(e,n){if(e.length<n.length)return!1;for(let t=0;t<n.length;t++)if(e[t]!==n.charCodeAt(t))return!1;return!0}function wr(e,n,t,r){let i=n.length;if(gr(n))return i===15&&U(t,Bt)&&De(n)?S(t,"nir",.95):i===23&&U(t,Rt)&&Me(n)?S(t,"rib",.95):null;if(i===9)return!(U(t,lr)&&Q(n))||J(e,t.start,ue,xr)?null:J(e,t.start,ue,vr)?S(t,"finess",.95):U(t,sr)?S(t,"siren",J(e,t.start,ue,yr)?.95:.7):null;if(i===10)return n[0]===48&&n[1]!==48&&mr(t,ur)?S(t,"phone",t.boundaries===0?.7:.85):null;if(i===11){if(r&&t.atRunStart&&Le(n,"33")&&n[2]!==48&&U(t,fr))return{kind:"phone",start:t.start-1,end:t.end,confidence:v(.9)};if(t.boundaries===0&&Q(n)){if(J(e,t.start,ue,br))return S(t,"rpps",.95);if(Le(n,"10"))return S(t,"rpps",.7)}return null}return i===13&&Le(n,"0033")&&n[4]!==48&&U(t,cr)?S(t,"phone",.9):i===14&&U(t,dr)&&Ft(n)?S(t,"siret",.95):i===15&&U(t,Bt)&&De(n)?S(t,"nir",.95):i===23?U(t,Rt)&&Me(n)?S(t,"rib",.95):null:i>=12&&i<=19&&Ar(i,t)&&Pt(n)?S(t,"card",.9):null}function Ar(e,n){return U(n,hr)||(e===14||e===15)&&U(n,pr)}function Cr(e,n,t){let r=!1,i=-1,a=0;for(let o=n;o<t;o++)p(e[o])?r=!0:(a+=1,i<0&&(i=o));if(t-n===11&&r||a===0)return!0;let s=e[i];return a===1&&(s===65||s===66||s===97||s===98)&&i>n&&e[i-1]===50}function Ir(e,n,t){if(t-n!==9||!p(e[n])||!p(e[n+1])||!N(e[n+2])||!N(e[n+3]))return!1;for(let r=n+4;r<t;r++)if(!p(e[r]))return!1;return!0}function Ne(e,n){let t=n;for(;t<e.length&&C(e[t]);)t++;return t}function Sr(e,n){if(n+2>e.length)return null;let t=ze(e[n],e[n+1]);if(t<0)return null;let r=new Uint8Array(t),i=0,a=n;for(;i<t;){let s=_(e,a);s>0&&e[a]!==46&&e[a]!==45&&i>0&&(a+=s);let o=e[a];if(!E(o))return null;r[i++]=H(o),a+=1}return C(e[a])?null:Nt(r)?{kind:"iban",start:n,end:a,confidence:v(.99)}:a}function qt(e,n){let t=new Oe,r=0;for(;;){let i=ae(e,r);if(i<0)return;if(i>0&&C(e[i-1])){let l=i-2;if(i>=2&&N(e[l])&&N(e[l+1])&&(l===0||!C(e[l-1]))){let u=Sr(e,l);if(u!==null){typeof u=="number"?r=u:(n.push(u),r=u.end);continue}}r=Ne(e,i);continue}let a=t.collect(e,i);if(t.count===0){let l=Ne(e,i);Ir(e,i,l)&&n.push({kind:"passport",start:i,end:l,confidence:v(.5)}),r=l;continue}let s=i>0&&e[i-1]===43;if(!t.truncated){t.classify(e,s,!0,t.count,n),r=Math.max(a,i+1);continue}let o=!0;for(;;){let l=t.truncated,u=l?t.count-fe:t.count;if(t.classify(e,s&&o,o,u,n),!l)break;o=!1;let c=t.starts[u];a=t.collect(e,c),r=Math.max(a,c+1)}}}var Pe=class{constructor(n,t,r,i,a){this.kind=n;this.start=t;this.end=r;this.confidence=i;this.#e=a}kind;start;end;confidence;#e;#t;get excerpt(){return this.#t??=zt(this.kind,this.#e.subarray(this.start,this.end)),this.#t}toJSON(){return{kind:this.kind,start:this.start,end:this.end,excerpt:this.excerpt,confidence:this.confidence}}},Fe=null;function Ht(e){let n=typeof e=="string"?new TextEncoder().encode(e):e;if(Fe===null){let l=It(),u=Ut();Fe={context:l,health:u,filter:xt([...l.dictionary.firstWordHashes(),...u.dictionary.firstWordHashes()])}}let t=[];qt(n,t),Lt(n,t);let r=[],i=[],{context:a,health:s,filter:o}=Fe;return gt(n,o,(l,u)=>{a.dictionary.mayStart(u)&&r.push(l),s.dictionary.mayStart(u)&&i.push(l)}),St(a,n,r,t),Dt(s,n,i,t),Tr(n,t)}function Tr(e,n){n.sort((a,s)=>a.start-s.start||a.end-s.end);let t=[],r=a=>t.push(new Pe(a.kind,a.start,a.end,a.confidence,e)),i=0;for(;i<n.length;){let a=i+1,s=n[i].end;for(;a<n.length&&n[a].start<s;)s=Math.max(s,n[a].end),a+=1;a===i+1?r(n[i]):kr(n.slice(i,a)).sort((o,l)=>o.start-l.start).forEach(r),i=a}return t}function kr(e){e.sort((t,r)=>r.end-r.start-(t.end-t.start)||r.confidence-t.confidence||t.start-r.start);let n=[];for(let t of e)n.some(r=>r.start<t.end&&t.start<r.end)||n.push(t);return n}var Er=3;async function Kt(e,n=()=>{}){let t={kinds:new Map,notInspectable:0},r=[],i=e.reduce((s,o)=>s+o.size,0),a=0;for(let s of e){n(a,i);let o=[],l=null;if(s.size>Ae.maxFileBytes)l="too-large";else{let u=ct(await s.bytes(),s.name);"text"in u?o=Ht(u.text):l=u.notInspectable}l!==null&&(t.notInspectable+=1),Ye(t,o),r.push({name:s.name,notInspectable:l,kinds:Ur(o)}),a+=s.size,await new Promise(u=>setTimeout(u,0))}return n(i,i),{labels:t,files:r}}function Ur(e){let n=new Map;for(let t of e){let r=n.get(t.kind);r===void 0&&(r={kind:t.kind,count:0,excerpts:[]},n.set(t.kind,r)),r.count+=1,r.excerpts.length<Er&&!r.excerpts.includes(t.excerpt)&&r.excerpts.push(t.excerpt)}return[...n.values()]}var ee=self;ee.onmessage=e=>{ee.postMessage({ready:!0});let n=e.data.files;Kt(n.map(t=>({name:t.name,size:t.size,bytes:async()=>new Uint8Array(await t.arrayBuffer())})),(t,r)=>ee.postMessage({progress:[t,r]})).then(t=>ee.postMessage({inspection:t})).catch(t=>ee.postMessage({error:t instanceof Error?t.name:"error"}))};
/*! Bundled license information:

smol-toml/dist/error.js:
smol-toml/dist/primitive.js:
smol-toml/dist/date.js:
smol-toml/dist/extract.js:
smol-toml/dist/util.js:
smol-toml/dist/struct.js:
smol-toml/dist/parse.js:
smol-toml/dist/stringify.js:
smol-toml/dist/index.js:
  (*!
   * Copyright (c) Squirrel Chat et al., All rights reserved.
   * SPDX-License-Identifier: BSD-3-Clause
   *
   * Redistribution and use in source and binary forms, with or without
   * modification, are permitted provided that the following conditions are met:
   *
   * 1. Redistributions of source code must retain the above copyright notice, this
   *    list of conditions and the following disclaimer.
   * 2. Redistributions in binary form must reproduce the above copyright notice,
   *    this list of conditions and the following disclaimer in the
   *    documentation and/or other materials provided with the distribution.
   * 3. Neither the name of the copyright holder nor the names of its contributors
   *    may be used to endorse or promote products derived from this software without
   *    specific prior written permission.
   *
   * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
   * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
   * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
   * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
   * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
   * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
   * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
   * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
   * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
   * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
   *)
*/
